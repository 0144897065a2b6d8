"""The model and the graph store (FalkorDB embedded by default, Neo4j to scale out)."""

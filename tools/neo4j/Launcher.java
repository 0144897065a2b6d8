// A Neo4j 5 Community server for the tests: Bolt on loopback, auth off, HTTP off, no usage reports.
// Run without a build step:  java -cp '.neo4j/lib/*' tools/neo4j/Launcher.java HOME
// Starts a server with a fresh store in HOME/0 on a free port and prints "READY bolt://127.0.0.1:PORT".
// Community has one user database per server, so a test run that needs two graphs at once asks for
// another server: each line "more" on stdin starts one more (HOME/1, HOME/2, …) in the same JVM and
// prints its READY line. When stdin closes (the parent is gone) or on SIGTERM, every server shuts down.

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

public class Launcher {
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: Launcher HOME");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        List<DatabaseManagementService> services = new ArrayList<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopAll(services)));
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String command = "more";
        while (command != null) {
            if (command.strip().equals("more")) {
                DatabaseManagementService service = start(Files.createDirectories(
                        home.resolve(String.valueOf(services.size()))));
                synchronized (services) {
                    services.add(service);
                }
                System.out.println("READY bolt://127.0.0.1:" + boltPort(service));
                System.out.flush();
            }
            try {
                command = commands.readLine();
            } catch (IOException e) {
                command = null;
            }
        }
        System.exit(0);
    }

    static DatabaseManagementService start(Path dir) {
        DatabaseManagementService service = new DatabaseManagementServiceBuilder(dir)
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(48))
                .setConfig(GraphDatabaseSettings.memory_transaction_global_max_size, ByteUnit.mebiBytes(256))
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .setConfig(GraphDatabaseSettings.shutdown_transaction_end_timeout, Duration.ofSeconds(2))
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", 0))
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                // a test server: no need to wait 2 × 5 s for Bolt's threads at shutdown
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofMillis(500))
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofMillis(500))
                .build();
        GraphDatabaseService db = service.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        db.executeTransactionally("RETURN 1");
        return service;
    }

    static int boltPort(DatabaseManagementService service) {
        GraphDatabaseAPI db = (GraphDatabaseAPI) service.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        ConnectorPortRegister ports = db.getDependencyResolver().resolveDependency(ConnectorPortRegister.class);
        return ports.getLocalAddress(ConnectorType.BOLT).getPort();
    }

    // In parallel: each server's Bolt connector waits a few seconds for its threads to finish.
    static void stopAll(List<DatabaseManagementService> services) {
        List<Thread> stopping = new ArrayList<>();
        synchronized (services) {
            for (DatabaseManagementService service : services) {
                Thread t = new Thread(() -> {
                    try {
                        service.shutdown();
                    } catch (RuntimeException e) {
                        System.err.println("shutdown failed: " + e);
                    }
                });
                t.start();
                stopping.add(t);
            }
            services.clear();
        }
        for (Thread t : stopping) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

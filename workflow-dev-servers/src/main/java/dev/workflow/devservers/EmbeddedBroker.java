package dev.workflow.devservers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.apache.qpid.server.SystemLauncher;
import org.apache.qpid.server.model.SystemConfig;

/**
 * Apache Qpid Broker-J in this JVM, speaking AMQP 0-9-1 on a free loopback port, with messages in memory.
 * <p>
 * It supports what the engine uses (durable queues, direct exchanges, publisher confirms, manual acks) and
 * rejects queue arguments such as TTL or dead-lettering, which the engine must not rely on anyway. It refuses
 * messages over RabbitMQ 4's default maximum size.
 */
final class EmbeddedBroker {

	static final String USERNAME = "guest";

	static final String PASSWORD = "guest";

	/**
	 * The largest message it takes: 16 MiB, RabbitMQ 4's default {@code max_message_size} (Qpid's own default is
	 * 100 MB), so that it refuses what a production broker would. Like RabbitMQ, it closes the channel over a larger
	 * message.
	 */
	static final int MAX_MESSAGE_SIZE = 16 * 1024 * 1024;

	private EmbeddedBroker() {
	}

	static BrokerServer start() {
		try {
			Path workDir = Files.createTempDirectory("workflow-qpid-");
			Path config = workDir.resolve("initial-config.json");
			Files.writeString(config, initialConfiguration(), StandardCharsets.UTF_8);
			int port = freePort();
			Map<String, Object> attributes = new HashMap<>();
			attributes.put(SystemConfig.TYPE, "Memory");
			attributes.put(SystemConfig.INITIAL_CONFIGURATION_LOCATION, config.toUri().toString());
			attributes.put(SystemConfig.STARTUP_LOGGED_TO_SYSTEM_OUT, false);
			attributes.put(SystemConfig.CONTEXT, Map.of("qpid.work_dir", workDir.toString(), "qpid.amqp_port",
					String.valueOf(port), "qpid.max_message_size", String.valueOf(MAX_MESSAGE_SIZE)));
			SystemLauncher launcher = new SystemLauncher();
			launcher.startup(attributes);
			Runtime.getRuntime().addShutdownHook(new Thread(() -> {
				ServerLeases.awaitReleased();
				launcher.shutdown();
			}, "embedded-broker-stop"));
			return new BrokerServer(ServerSource.EMBEDDED, "Qpid Broker-J", "127.0.0.1", port, USERNAME, PASSWORD);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not prepare the embedded AMQP broker", ex);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not start the embedded AMQP broker (Qpid Broker-J)", ex);
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	private static String initialConfiguration() {
		return """
				{
				  "name": "workflow-embedded-broker",
				  "modelVersion": "9.0",
				  "authenticationproviders": [{
				    "name": "plain",
				    "type": "Plain",
				    "secureOnlyMechanisms": [],
				    "users": [{"name": "%s", "password": "%s", "type": "managed"}]
				  }],
				  "ports": [{
				    "name": "AMQP",
				    "port": "${qpid.amqp_port}",
				    "bindingAddress": "127.0.0.1",
				    "protocols": ["AMQP_0_9_1"],
				    "authenticationProvider": "plain",
				    "virtualhostaliases": [
				      {"name": "nameAlias", "type": "nameAlias"},
				      {"name": "defaultAlias", "type": "defaultAlias"}
				    ]
				  }],
				  "virtualhostnodes": [{
				    "name": "default",
				    "type": "Memory",
				    "defaultVirtualHostNode": "true",
				    "virtualHostInitialConfiguration": "{\\"type\\": \\"Memory\\"}"
				  }]
				}
				""".formatted(USERNAME, PASSWORD);
	}

}

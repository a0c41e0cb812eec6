package dev.workflow.autoconfigure;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import javax.sql.DataSource;

import dev.workflow.api.StepArgumentResolver;
import dev.workflow.api.WorkflowClient;
import dev.workflow.api.WorkflowSchedules;
import dev.workflow.engine.BackgroundWork;
import dev.workflow.engine.DefaultWorkflowClient;
import dev.workflow.engine.DefaultWorkflowSchedules;
import dev.workflow.engine.EngineSettings;
import dev.workflow.engine.Retention;
import dev.workflow.engine.StepCallProxies;
import dev.workflow.engine.WorkflowEngine;
import dev.workflow.engine.WorkflowJson;
import dev.workflow.store.DefinitionVersionRows;
import dev.workflow.store.EndedJobs;
import dev.workflow.store.Events;
import dev.workflow.store.GroupCommits;
import dev.workflow.store.JobActions;
import dev.workflow.store.JobEntity;
import dev.workflow.store.JobSearch;
import dev.workflow.store.JobStatistics;
import dev.workflow.store.JobRows;
import dev.workflow.store.OutboxRows;
import dev.workflow.store.PausedWorkflows;
import dev.workflow.store.RateLimits;
import dev.workflow.store.StepCompletions;
import dev.workflow.store.ScheduleRows;
import dev.workflow.store.WaitingJobs;
import dev.workflow.store.StepExecutions;
import dev.workflow.store.WorkflowSchemaMigration;
import dev.workflow.registry.FlowLimits;
import dev.workflow.registry.WorkerPools;
import dev.workflow.transport.StepConsumers;
import dev.workflow.transport.StepListener;
import dev.workflow.transport.StepPublisher;
import dev.workflow.transport.TopologyInitializer;
import dev.workflow.transport.WorkflowTopology;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.observation.ObservationRegistry;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.flywaydb.core.Flyway;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.config.SimpleRabbitListenerContainerFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.amqp.autoconfigure.RabbitTemplateConfigurer;
import org.springframework.boot.amqp.autoconfigure.SimpleRabbitListenerContainerFactoryConfigurer;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.orm.jpa.EntityManagerFactoryInfo;
import org.springframework.orm.jpa.SharedEntityManagerCreator;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Auto-configuration of the workflow engine: its tables in the application's PostgreSQL database, its topology on
 * the application's RabbitMQ broker, the {@link WorkflowClient}, and the workers that run steps.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
		"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
		"org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
		"org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration",
		"org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
		"org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration" })
@ConditionalOnClass({ EntityManagerFactory.class, Flyway.class, RabbitTemplate.class, JsonMapper.class })
@ConditionalOnBooleanProperty(name = "workflow.enabled", matchIfMissing = true)
@EnableConfigurationProperties(WorkflowProperties.class)
public final class WorkflowAutoConfiguration {

	private static final Log logger = LogFactory.getLog(WorkflowAutoConfiguration.class);

	/**
	 * The clock the engine reads the time from: the application's own {@link Clock} bean when it has one (a test's
	 * fixed clock, say), else the system clock in UTC. The only place of the engine that reads the system clock.
	 */
	@Configuration(proxyBeanMethods = false)
	static class ClockConfiguration {

		@Bean
		@ConditionalOnMissingBean
		Clock workflowClock() {
			return Clock.systemUTC();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@AutoConfigurationPackage(basePackageClasses = JobEntity.class)
	static class StoreConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBooleanProperty(name = "workflow.store.initialize-schema", matchIfMissing = true)
		WorkflowSchemaMigration workflowSchemaMigration(DataSource dataSource, WorkflowProperties properties) {
			return new WorkflowSchemaMigration(dataSource, properties.getStore().getSchemaHistoryTable());
		}

		@Bean
		@ConditionalOnMissingBean
		JobRows workflowJobRows(EntityManagerFactory entityManagerFactory, DataSource dataSource,
				PlatformTransactionManager transactionManager, WorkflowProperties properties) {
			return new JobRows(sharedEntityManager(entityManagerFactory), jdbc(entityManagerFactory, dataSource),
					new TransactionTemplate(transactionManager),
					groupCommits(entityManagerFactory, dataSource, transactionManager, properties));
		}

		@Bean
		@ConditionalOnMissingBean
		StepExecutions workflowStepExecutions(EntityManagerFactory entityManagerFactory, DataSource dataSource) {
			return new StepExecutions(sharedEntityManager(entityManagerFactory), jdbc(entityManagerFactory, dataSource));
		}

		@Bean
		@ConditionalOnMissingBean
		StepCompletions workflowStepCompletions(EntityManagerFactory entityManagerFactory, DataSource dataSource,
				PlatformTransactionManager transactionManager, WorkflowProperties properties) {
			return new StepCompletions(jdbc(entityManagerFactory, dataSource),
					groupCommits(entityManagerFactory, dataSource, transactionManager, properties));
		}

		@Bean
		@ConditionalOnMissingBean
		OutboxRows workflowOutboxRows(EntityManagerFactory entityManagerFactory, DataSource dataSource) {
			return new OutboxRows(sharedEntityManager(entityManagerFactory), jdbc(entityManagerFactory, dataSource));
		}

		@Bean
		@ConditionalOnMissingBean
		Events workflowEvents(EntityManagerFactory entityManagerFactory) {
			return new Events(sharedEntityManager(entityManagerFactory));
		}

		@Bean
		@ConditionalOnMissingBean
		DefinitionVersionRows workflowDefinitionVersionRows(EntityManagerFactory entityManagerFactory,
				DataSource dataSource) {
			return new DefinitionVersionRows(jdbc(entityManagerFactory, dataSource));
		}

		@Bean
		@ConditionalOnMissingBean
		EndedJobs workflowEndedJobs(EntityManagerFactory entityManagerFactory, DataSource dataSource,
				PlatformTransactionManager transactionManager) {
			return new EndedJobs(jdbc(entityManagerFactory, dataSource), ownTransactions(transactionManager));
		}

		private static EntityManager sharedEntityManager(EntityManagerFactory entityManagerFactory) {
			try {
				entityManagerFactory.getMetamodel().entity(JobEntity.class);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalStateException("JPA does not manage the workflow engine's entities: the "
						+ "application's @EntityScan leaves out their package. Add \"dev.workflow.store\" to it.", ex);
			}
			return SharedEntityManagerCreator.createSharedEntityManager(entityManagerFactory);
		}

		/**
		 * The data source of the entity manager's persistence unit, so that the store's plain SQL joins its
		 * transactions.
		 */
		private static DataSource jpaDataSource(EntityManagerFactory entityManagerFactory, DataSource dataSource) {
			return (entityManagerFactory instanceof EntityManagerFactoryInfo info && info.getDataSource() != null)
					? info.getDataSource() : dataSource;
		}

		/**
		 * Transactions of their own, never the caller's: a step's single-statement completion and a retention batch
		 * commit (or roll back) alone, even when they are called on a thread that has a transaction.
		 */
		private static TransactionTemplate ownTransactions(PlatformTransactionManager transactionManager) {
			TransactionTemplate transactions = new TransactionTemplate(transactionManager);
			transactions.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
			return transactions;
		}

		/**
		 * Commits shared by statements of one kind (step completions, job starts) that threads run at the same
		 * moment; each kind has its own, so that a start never waits for a group of completions to commit.
		 */
		private static GroupCommits groupCommits(EntityManagerFactory entityManagerFactory, DataSource dataSource,
				PlatformTransactionManager transactionManager, WorkflowProperties properties) {
			return new GroupCommits(ownTransactions(transactionManager), jdbc(entityManagerFactory, dataSource),
					properties.getStore().getCommitGroupSize());
		}

		private static JdbcTemplate jdbc(EntityManagerFactory entityManagerFactory, DataSource dataSource) {
			return new JdbcTemplate(jpaDataSource(entityManagerFactory, dataSource));
		}

		@Bean
		@ConditionalOnMissingBean
		JobSearch workflowJobSearch(EntityManagerFactory entityManagerFactory) {
			return new JobSearch(sharedEntityManager(entityManagerFactory));
		}

		@Bean
		@ConditionalOnMissingBean
		JobStatistics workflowJobStatistics(EntityManagerFactory entityManagerFactory, DataSource dataSource) {
			return new JobStatistics(jpaDataSource(entityManagerFactory, dataSource));
		}

		@Bean
		@ConditionalOnMissingBean
		JobActions workflowJobActions(EntityManagerFactory entityManagerFactory, DataSource dataSource) {
			return new JobActions(jpaDataSource(entityManagerFactory, dataSource));
		}

		@Bean
		@ConditionalOnMissingBean
		PausedWorkflows workflowPausedWorkflows(EntityManagerFactory entityManagerFactory, DataSource dataSource) {
			return new PausedWorkflows(jpaDataSource(entityManagerFactory, dataSource));
		}

		@Bean
		@ConditionalOnMissingBean
		RateLimits workflowRateLimits(EntityManagerFactory entityManagerFactory, DataSource dataSource) {
			return new RateLimits(jpaDataSource(entityManagerFactory, dataSource));
		}

		@Bean
		@ConditionalOnMissingBean
		ScheduleRows workflowScheduleRows(EntityManagerFactory entityManagerFactory, DataSource dataSource) {
			return new ScheduleRows(jpaDataSource(entityManagerFactory, dataSource));
		}

		@Bean
		@ConditionalOnMissingBean
		WaitingJobs workflowWaitingJobs(EntityManagerFactory entityManagerFactory, DataSource dataSource) {
			return new WaitingJobs(jpaDataSource(entityManagerFactory, dataSource));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TransportConfiguration {

		@Bean
		@ConditionalOnMissingBean
		WorkflowTopology workflowTopology(WorkflowProperties properties, ListableBeanFactory beanFactory) {
			WorkflowProperties.Broker broker = properties.getBroker();
			Set<String> pools = new TreeSet<>(WorkerPools.scan(beanFactory));
			pools.addAll(configuredPools(properties));
			properties.getPools().keySet().forEach((pool) -> WorkerPools.fromProperty(pool, "workflow.pools"));
			return new WorkflowTopology(broker.getExchange(), broker.getStepQueue(), broker.getStepRoutingKey(),
					broker.getParkingQueue(), pools, broker.getQueueType());
		}

		@Bean
		Declarables workflowDeclarables(WorkflowTopology topology) {
			return topology.declarables();
		}

		@Bean
		TopologyInitializer workflowTopologyInitializer(AmqpAdmin amqpAdmin, WorkflowTopology topology) {
			return new TopologyInitializer(amqpAdmin, topology);
		}

		/**
		 * The engine publishes with correlated confirms and returns: a message counts as sent only once the broker
		 * has taken responsibility for it.
		 */
		@Bean
		static BeanPostProcessor workflowPublisherConfirms() {
			return new BeanPostProcessor() {
				@Override
				public Object postProcessBeforeInitialization(Object bean, String beanName) {
					if (bean instanceof CachingConnectionFactory factory) {
						if (!factory.isPublisherConfirms()) {
							if (factory.isSimplePublisherConfirms()) {
								logger.warn("spring.rabbitmq.publisher-confirm-type=simple is replaced by 'correlated', "
										+ "which the workflow engine needs");
							}
							factory.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
						}
						factory.setPublisherReturns(true);
					}
					return bean;
				}
			};
		}

		/**
		 * Spring AMQP's observation of the engine's publishing follows Boot's
		 * {@code spring.rabbitmq.template.observation-enabled}.
		 */
		@Bean
		@ConditionalOnMissingBean
		StepPublisher workflowStepPublisher(ConnectionFactory connectionFactory, WorkflowProperties properties,
				ApplicationContext applicationContext, ObjectProvider<RabbitTemplateConfigurer> configurer,
				ObjectProvider<WorkflowRabbitTemplateCustomizer> customizers) {
			if (!connectionFactory.isPublisherConfirms()) {
				throw new IllegalStateException("The workflow engine needs publisher confirms, but the RabbitMQ "
						+ "connection factory (" + connectionFactory.getClass().getName() + ") does not have them: "
						+ "set spring.rabbitmq.publisher-confirm-type=correlated, or enable correlated confirms on "
						+ "your own connection factory.");
			}
			RabbitTemplate template = new RabbitTemplate();
			RabbitTemplateConfigurer boot = configurer.getIfAvailable();
			if (boot != null) {
				// spring.rabbitmq.template.*: retry, observation, timeouts.
				boot.configure(template, connectionFactory);
			}
			else {
				template.setConnectionFactory(connectionFactory);
			}
			template.setMandatory(true);
			template.setUsePublisherConnection(true);
			template.setApplicationContext(applicationContext);
			customizers.orderedStream().forEach((customizer) -> customizer.customize(template));
			return new StepPublisher(template, properties.getBroker().getConfirmTimeout());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class EngineConfiguration {

		@Bean
		@ConditionalOnMissingBean
		WorkflowJson workflowJson(ObjectProvider<JsonMapper> jsonMapper, WorkflowProperties properties) {
			return new WorkflowJson(jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()),
					properties.getMaxPayloadSize());
		}

		@Bean
		@ConditionalOnMissingBean
		WorkflowEngine workflowEngine(ListableBeanFactory beanFactory, JobRows jobs, StepExecutions steps,
				StepCompletions completions, OutboxRows outbox, Events keptEvents, DefinitionVersionRows definitions,
				JobStatistics statistics, WaitingJobs waiting, PausedWorkflows paused, RateLimits rates,
				PlatformTransactionManager transactionManager,
				StepPublisher publisher,
				WorkflowTopology topology, WorkflowJson json, ApplicationEventPublisher events,
				ObjectProvider<StepArgumentResolver> resolvers, WorkflowProperties properties,
				ObjectProvider<ObservationRegistry> observationRegistry, Clock clock) {
			WorkflowProperties.Worker worker = properties.getWorker();
			WorkflowProperties.Retry retry = properties.getRetry();
			WorkflowProperties.Scheduler scheduler = properties.getScheduler();
			EngineSettings settings = new EngineSettings(
					(worker.getId() != null) ? worker.getId() : defaultWorkerId(), retry.getMaxAttempts(),
					retry.getInitialDelay(), retry.getMultiplier(), retry.getMaxDelay(), retry.getJitter(),
					retry.getNonRetryableExceptions(), worker.getStepTimeout(), worker.getLeaseDuration(),
					scheduler.getBatchSize(), scheduler.getOutboxRelayAfter(), worker.getHistoryCacheJobs(),
					worker.getClaimTimeout(), worker.getMaxLeaseLapses(), properties.getBroker().getMaxRefusals(),
					worker.getUnknownWorkTimeout(), worker.getUnknownWorkBackoff(), worker.getUnknownWorkMaxBackoff(),
					worker.getChainSteps(), worker.getChainTimeSlice(), properties.getFlow().getPriorityAging(),
					properties.getFlow().getAdmissionRecheck(), poolRates(properties), clock);
			WorkflowEngine.Repositories repositories = new WorkflowEngine.Repositories(jobs, steps, completions, outbox,
					keptEvents, definitions, statistics, waiting, paused, rates);
			return new WorkflowEngine(beanFactory, repositories, new TransactionTemplate(transactionManager), publisher,
					topology, json, events, resolvers.orderedStream().toList(), settings, clock,
					observationRegistry.getIfAvailable(() -> ObservationRegistry.NOOP));
		}

		/**
		 * Reads {@code workflow.pools.<pool>.rate-limit}.
		 */
		private static Map<String, FlowLimits.Rate> poolRates(WorkflowProperties properties) {
			Map<String, FlowLimits.Rate> rates = new HashMap<>();
			properties.getPools().forEach((name, pool) -> {
				FlowLimits.Rate rate = pool.rate();
				if (rate != null) {
					rates.put(WorkerPools.fromProperty(name, "workflow.pools"), rate);
				}
			});
			return rates;
		}

		@Bean
		BackgroundWork workflowBackgroundWork(WorkflowEngine engine, WorkflowProperties properties,
				ObjectProvider<Retention> retention, ObjectProvider<DefaultWorkflowSchedules> schedules) {
			return new BackgroundWork(engine, properties.getScheduler().getPollInterval(),
					properties.getScheduler().isEnabled(), retention.getIfAvailable(), schedules.getIfAvailable());
		}

		/**
		 * The schedules of {@code @WorkflowSchedule} and those saved at run time; the background work fires them.
		 */
		@Bean
		@ConditionalOnMissingBean(WorkflowSchedules.class)
		DefaultWorkflowSchedules workflowSchedules(WorkflowEngine engine, ScheduleRows rows,
				WorkflowProperties properties) {
			return new DefaultWorkflowSchedules(engine, rows, properties.getFlow().getMisfireThreshold());
		}

		/**
		 * Deletes jobs that ended longer ago than {@code workflow.retention.max-age}.
		 */
		@Bean
		@ConditionalOnProperty(name = "workflow.retention.max-age")
		@ConditionalOnMissingBean
		Retention workflowRetention(EndedJobs endedJobs, WorkflowProperties properties, Clock clock) {
			WorkflowProperties.Retention retention = properties.getRetention();
			return new Retention(endedJobs, retention.getMaxAge(), retention.getBatchSize(), retention.getInterval(),
					clock);
		}

		/**
		 * Routes the step calls of workflow methods to the engine.
		 */
		@Bean
		static StepCallProxies workflowStepCallProxies() {
			return new StepCallProxies();
		}

		@Bean
		SmartInitializingSingleton workflowEngineInitializer(WorkflowEngine engine,
				ObjectProvider<DefaultWorkflowSchedules> schedules) {
			return () -> {
				engine.initialize();
				schedules.ifAvailable(DefaultWorkflowSchedules::storeDeclared);
			};
		}

		@Bean
		@ConditionalOnMissingBean
		WorkflowClient workflowClient(WorkflowEngine engine, JobRows jobs, StepExecutions steps, JobSearch search,
				JobStatistics statistics, JobActions actions, EndedJobs endedJobs) {
			return new DefaultWorkflowClient(engine, jobs, steps, search, statistics, actions, endedJobs);
		}

		private static String defaultWorkerId() {
			String host;
			try {
				host = InetAddress.getLocalHost().getHostName();
			}
			catch (UnknownHostException ex) {
				host = "unknown-host";
			}
			return host + "/" + ManagementFactory.getRuntimeMXBean().getPid();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty(name = "workflow.worker.enabled", matchIfMissing = true)
	static class WorkerConfiguration {

		/**
		 * Spring AMQP's observation of the engine's consumers follows Boot's
		 * {@code spring.rabbitmq.listener.simple.observation-enabled}. Steps continue their job's trace either way:
		 * its context travels in the step message.
		 */
		@Bean
		@ConditionalOnMissingBean(name = "workflowStepConsumers")
		StepConsumers workflowStepConsumers(ConnectionFactory connectionFactory, WorkflowEngine engine,
				StepPublisher publisher, WorkflowTopology topology, WorkflowProperties properties,
				ApplicationContext applicationContext, ListableBeanFactory beanFactory,
				ObjectProvider<SimpleRabbitListenerContainerFactoryConfigurer> configurer,
				ObjectProvider<WorkflowListenerContainerCustomizer> customizers) {
			WorkflowProperties.Worker worker = properties.getWorker();
			Set<String> served = configuredPools(properties);
			if (served.isEmpty()) {
				served = WorkerPools.scan(beanFactory);
			}
			Map<String, WorkflowProperties.Pool> settings = new HashMap<>();
			properties.getPools()
				.forEach((name, pool) -> settings.put(WorkerPools.fromProperty(name, "workflow.pools"), pool));
			// Spring Boot's spring.rabbitmq.listener.simple.* (its task executor: virtual threads when
			// spring.threads.virtual.enabled; observation; idle events), then the engine's own settings on top.
			SimpleRabbitListenerContainerFactory factory = new SimpleRabbitListenerContainerFactory();
			SimpleRabbitListenerContainerFactoryConfigurer boot = configurer.getIfAvailable();
			if (boot != null) {
				boot.configure(factory, connectionFactory);
			}
			else {
				factory.setConnectionFactory(connectionFactory);
			}
			Map<String, SimpleMessageListenerContainer> containers = new LinkedHashMap<>();
			for (String pool : served) {
				WorkflowProperties.Pool own = settings.get(pool);
				Integer concurrency = (own != null) ? own.getConcurrency() : null;
				Integer prefetch = (own != null) ? own.getPrefetch() : null;
				String poolName = pool.isEmpty() ? WorkerPools.DEFAULT_NAME : pool;
				SimpleMessageListenerContainer container = factory.createListenerContainer();
				container.setQueueNames(topology.stepQueue(pool));
				container.setAcknowledgeMode(AcknowledgeMode.MANUAL);
				// A retry interceptor of Boot's listener retry would redeliver outside the engine's own retries; its
				// listener takes one message at a time, and a refused one goes back to the queue.
				container.setAdviceChain();
				container.setConsumerBatchEnabled(false);
				container.setBatchSize(1);
				container.setDeBatchingEnabled(true);
				container.setDefaultRequeueRejected(true);
				consumers(container, (concurrency != null) ? concurrency : worker.getConcurrency());
				container.setPrefetchCount((prefetch != null) ? prefetch : worker.getPrefetch());
				container.setShutdownTimeout(worker.getShutdownTimeout().toMillis());
				container.setMessageListener(
						new StepListener(engine, publisher, topology.parkingQueue(), worker.getErrorBackoff()));
				container.setBeanName("workflowStepConsumers[" + poolName + "]");
				container.setApplicationContext(applicationContext);
				container.setApplicationEventPublisher(applicationContext);
				customizers.orderedStream().forEach((customizer) -> customizer.customize(poolName, container));
				container.afterPropertiesSet();
				containers.put(pool, container);
			}
			if (logger.isInfoEnabled()) {
				logger.info("Serving worker pools " + containers.keySet().stream()
					.map((pool) -> pool.isEmpty() ? WorkerPools.DEFAULT_NAME : pool)
					.toList() + " from queues " + containers.keySet().stream().map(topology::stepQueue).toList());
			}
			return new StepConsumers(containers, engine::beginShutdown);
		}

	}

	/**
	 * Returns the pools {@code workflow.worker.pools} names, validated.
	 */
	private static Set<String> configuredPools(WorkflowProperties properties) {
		Set<String> pools = new LinkedHashSet<>();
		for (String pool : properties.getWorker().getPools()) {
			pools.add(WorkerPools.fromProperty(pool, "workflow.worker.pools"));
		}
		return pools;
	}

	/**
	 * Gives a container a fixed number of consumers, whatever {@code spring.rabbitmq.listener.simple.concurrency}
	 * and {@code .max-concurrency} set before (the maximum may not fall below the current number, nor the number
	 * rise above the maximum).
	 */
	private static void consumers(SimpleMessageListenerContainer container, int consumers) {
		container.setMaxConcurrentConsumers(Integer.MAX_VALUE);
		container.setConcurrentConsumers(consumers);
		container.setMaxConcurrentConsumers(consumers);
	}

	/**
	 * Meters of the engine, when the application has Micrometer (Spring Boot Actuator brings it and binds them).
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
	static class MetricsConfiguration {

		/** The meter that counts the jobs retention deleted. */
		static final String DELETED_JOBS_METER = "workflow.jobs.deleted";

		@Bean
		@ConditionalOnProperty(name = "workflow.retention.max-age")
		MeterBinder workflowRetentionMetrics(ObjectProvider<Retention> retention) {
			return (registry) -> retention.ifAvailable((deleting) -> FunctionCounter
				.builder(DELETED_JOBS_METER, deleting, Retention::deletedJobs)
				.description("Jobs deleted by retention, with their history, because they ended long ago")
				.baseUnit("jobs")
				.register(registry));
		}

	}

}

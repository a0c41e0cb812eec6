package dev.workflow.benchmarks.harness;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

import org.jspecify.annotations.Nullable;

/**
 * A JDBC driver for URLs {@code jdbc:counting:postgresql:...} that delegates to PostgreSQL's and counts what each
 * system sends to the database: statements (a batch counts each of its entries) and commits. A commit is a call of
 * {@code commit()}, or a statement that is not a {@code select} run in auto-commit mode, which is a transaction of its
 * own (a batch counts one). Any library that takes a JDBC URL or a data source can be measured the same way, without
 * touching its code.
 */
public final class CountingDriver implements Driver {

	/** The prefix of counted URLs. */
	public static final String PREFIX = "jdbc:counting:";

	static final AtomicLong statements = new AtomicLong();

	static final AtomicLong commits = new AtomicLong();

	static {
		try {
			DriverManager.registerDriver(new CountingDriver());
		}
		catch (SQLException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	static void reset() {
		statements.set(0);
		commits.set(0);
	}

	@Override
	public Connection connect(String url, Properties info) throws SQLException {
		if (!acceptsURL(url)) {
			return null;
		}
		Connection connection = DriverManager.getConnection("jdbc:" + url.substring(PREFIX.length()), info);
		return (Connection) Proxy.newProxyInstance(CountingDriver.class.getClassLoader(),
				new Class<?>[] { Connection.class }, new ConnectionHandler(connection));
	}

	@Override
	public boolean acceptsURL(String url) {
		return url != null && url.startsWith(PREFIX);
	}

	@Override
	public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
		return new DriverPropertyInfo[0];
	}

	@Override
	public int getMajorVersion() {
		return 1;
	}

	@Override
	public int getMinorVersion() {
		return 0;
	}

	@Override
	public boolean jdbcCompliant() {
		return false;
	}

	@Override
	public Logger getParentLogger() throws SQLFeatureNotSupportedException {
		throw new SQLFeatureNotSupportedException();
	}

	/** Methods made accessible once, so that reflection checks no access on each call. */
	private static final Set<Method> accessible = ConcurrentHashMap.newKeySet();

	/** The constructors of the statement proxies, one per statement interface. */
	private static final Map<Class<?>, Constructor<?>> proxies = new ConcurrentHashMap<>();

	private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
		if (!accessible.contains(method)) {
			method.setAccessible(true);
			accessible.add(method);
		}
		try {
			return method.invoke(target, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getCause();
		}
	}

	private static Constructor<?> proxyConstructor(Class<?> type) {
		try {
			return Proxy.newProxyInstance(CountingDriver.class.getClassLoader(), new Class<?>[] { type }, (proxy,
					method, args) -> null).getClass().getConstructor(InvocationHandler.class);
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private record ConnectionHandler(Connection target) implements InvocationHandler {

		@Override
		public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
			String name = method.getName();
			if (name.equals("commit")) {
				commits.incrementAndGet();
			}
			else if (name.equals("unwrap") && args[0] == Connection.class) {
				return proxy;
			}
			Object result = CountingDriver.invoke(this.target, method, args);
			if (result instanceof Statement statement) {
				Class<?> type = (statement instanceof CallableStatement) ? CallableStatement.class
						: (statement instanceof PreparedStatement) ? PreparedStatement.class : Statement.class;
				String sql = (args != null && args.length > 0 && args[0] instanceof String text) ? text : null;
				return proxies.computeIfAbsent(type, CountingDriver::proxyConstructor)
					.newInstance(new StatementHandler(statement, sql));
			}
			return result;
		}

	}

	private static final class StatementHandler implements InvocationHandler {

		private final Statement target;

		/** The SQL of a prepared statement, or {@code null}. */
		private final @Nullable String preparedSql;

		private int batched;

		StatementHandler(Statement target, @Nullable String preparedSql) {
			this.target = target;
			this.preparedSql = preparedSql;
		}

		@Override
		public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
			String name = method.getName();
			if (name.equals("addBatch")) {
				this.batched++;
			}
			else if (name.equals("clearBatch")) {
				this.batched = 0;
			}
			else if (name.equals("executeBatch") || name.equals("executeLargeBatch")) {
				statements.addAndGet(this.batched);
				if (this.batched > 0) {
					countAutoCommit(this.preparedSql);
				}
				this.batched = 0;
			}
			else if (name.startsWith("execute")) {
				statements.incrementAndGet();
				countAutoCommit((args != null && args.length > 0 && args[0] instanceof String sql) ? sql
						: this.preparedSql);
			}
			return CountingDriver.invoke(this.target, method, args);
		}

		/** Counts a commit for a statement that is a transaction of its own: not a query, in auto-commit mode. */
		private void countAutoCommit(@Nullable String sql) throws SQLException {
			if (sql != null && !sql.stripLeading().regionMatches(true, 0, "select", 0, 6)
					&& this.target.getConnection().getAutoCommit()) {
				commits.incrementAndGet();
			}
		}

	}

}

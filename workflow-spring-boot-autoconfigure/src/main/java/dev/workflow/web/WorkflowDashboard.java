package dev.workflow.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.util.ClassUtils;
import org.springframework.util.StreamUtils;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;
import org.springframework.web.servlet.resource.VersionResourceResolver;
import org.springframework.web.util.HtmlUtils;

/**
 * The web dashboard: its page, which runs in the browser on the REST API, and the page's scripts and styles.
 * <p>
 * The page is rendered per request, with the API's path and, when Spring Security put one in the request, the CSRF
 * token that the page sends with its actions; it is never cached. The scripts and styles are served from the
 * starter's own resources under a URL that carries a hash of their content, so browsers may keep them for a year.
 *
 * @see #routes()
 */
public final class WorkflowDashboard implements WebMvcConfigurer {

	private static final String LOCATION = "classpath:/dev/workflow/web/dashboard/";

	private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(\\w+)}}");

	private static final boolean SPRING_SECURITY_PRESENT = ClassUtils
		.isPresent("org.springframework.security.web.csrf.CsrfToken", WorkflowDashboard.class.getClassLoader());

	/** Everything comes from this application; the page's data is inserted as text, never as markup or script. */
	private static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
			+ "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'";

	private static final MediaType HTML = new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8);

	private final String path;

	private final String apiBasePath;

	private final Duration refreshInterval;

	private final String page;

	private final String assetsVersion;

	/**
	 * Creates the dashboard.
	 * @param path the path of its page: a slash, then segments, no slash at the end
	 * @param apiBasePath the base path of the REST API, of the same form
	 * @param refreshInterval how often the page reloads what it shows while live refresh is on
	 */
	public WorkflowDashboard(String path, String apiBasePath, Duration refreshInterval) {
		this.path = path;
		this.apiBasePath = apiBasePath;
		this.refreshInterval = refreshInterval;
		this.page = read(new ClassPathResource("dev/workflow/web/dashboard/index.html"));
		this.assetsVersion = contentHash(LOCATION + "assets/*");
	}

	/**
	 * Returns the routes of the page: the dashboard's path, with and without a trailing slash.
	 * @return the routes, for a {@code RouterFunction} bean
	 */
	public RouterFunction<ServerResponse> routes() {
		return RouterFunctions.route()
			.GET(this.path, this::page)
			.GET(this.path + "/", this::page)
			.build();
	}

	/**
	 * Serves the scripts, styles and icon under {@code {path}/assets/{hash of their content}/}.
	 */
	@Override
	public void addResourceHandlers(ResourceHandlerRegistry registry) {
		registry.addResourceHandler(this.path + "/assets/**")
			.addResourceLocations(LOCATION + "assets/")
			.setCacheControl(CacheControl.maxAge(Duration.ofDays(365)).cachePublic().immutable())
			.resourceChain(true)
			.addResolver(new VersionResourceResolver().addFixedVersionStrategy(this.assetsVersion, "/**"));
	}

	private ServerResponse page(ServerRequest request) {
		HttpServletRequest servletRequest = request.servletRequest();
		String contextPath = servletRequest.getContextPath();
		@Nullable Csrf csrf = SPRING_SECURITY_PRESENT ? Csrf.of(servletRequest) : null;
		Map<String, String> values = Map.of("assets", contextPath + this.path + "/assets/" + this.assetsVersion,
				"apiBase", contextPath + this.apiBasePath,
				"refreshMillis", Long.toString(this.refreshInterval.toMillis()),
				"csrfToken", (csrf != null) ? csrf.token() : "",
				"csrfHeader", (csrf != null) ? csrf.headerName() : "");
		Matcher placeholders = PLACEHOLDER.matcher(this.page);
		String html = placeholders.replaceAll((match) -> Matcher
			.quoteReplacement(HtmlUtils.htmlEscape(values.getOrDefault(match.group(1), ""), "UTF-8")));
		return ServerResponse.ok()
			.contentType(HTML)
			.cacheControl(CacheControl.noStore())
			.header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
			.header("X-Content-Type-Options", "nosniff")
			.header("Referrer-Policy", "same-origin")
			.body(html);
	}

	private static String read(Resource resource) {
		try (InputStream in = resource.getInputStream()) {
			return StreamUtils.copyToString(in, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read the dashboard's " + resource, ex);
		}
	}

	private static String contentHash(String pattern) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			Resource[] resources = new PathMatchingResourcePatternResolver(WorkflowDashboard.class.getClassLoader())
				.getResources(pattern);
			Arrays.sort(resources, Comparator.comparing((resource) -> String.valueOf(resource.getFilename())));
			for (Resource resource : resources) {
				digest.update(String.valueOf(resource.getFilename()).getBytes(StandardCharsets.UTF_8));
				try (InputStream in = resource.getInputStream()) {
					digest.update(StreamUtils.copyToByteArray(in));
				}
			}
			return HexFormat.of().formatHex(digest.digest(), 0, 6);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read the dashboard's assets", ex);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The CSRF token Spring Security's filter put in the request: the page sends it back in a header with its
	 * actions. A class of its own so that nothing loads Spring Security's types when the application lacks them.
	 */
	private record Csrf(String headerName, String token) {

		static @Nullable Csrf of(HttpServletRequest request) {
			if (request.getAttribute(CsrfToken.class.getName()) instanceof CsrfToken token) {
				return new Csrf(token.getHeaderName(), token.getToken());
			}
			return null;
		}

	}

}

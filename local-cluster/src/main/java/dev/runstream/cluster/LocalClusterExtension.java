package dev.runstream.cluster;

import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that provides a {@link LocalCluster}, either one per test class or one for the
 * whole test run (per JVM), with free ports so that parallel builds do not collide.
 *
 * <p>Per class: started before the first test of the class, closed (data deleted) after its last.
 * Register it in a {@code static} field; {@code @Nested} classes share their outer class's cluster.
 *
 * <pre>{@code
 * class AgentEventsIT {
 *   @RegisterExtension
 *   static final LocalClusterExtension CLUSTER = LocalClusterExtension.perClass();
 *
 *   @Test
 *   void shouldConsumeEventWhenProduced() {
 *     String bootstrap = CLUSTER.cluster().bootstrapServers();
 *     // ...
 *   }
 *
 *   @Test
 *   void shouldRecoverWhenBrokerRestarts(LocalCluster cluster) { // injected
 *     cluster.stopBroker();
 *     cluster.startBroker();
 *   }
 * }
 * }</pre>
 *
 * <p>Per suite: started by the first test class that needs it and closed when the JUnit engine
 * finishes, through the root {@link ExtensionContext.Store}; every class registering {@link
 * #perSuite()} (or {@code @ExtendWith(LocalClusterExtension.class)}) gets the same cluster, and the
 * configuration of the first one wins. Tests that stop the broker or the registry of a shared
 * cluster must start it again.
 *
 * <p>{@link LocalCluster} parameters of test constructors, lifecycle methods and test methods are
 * injected. Startup failures surface as {@link LocalClusterException} from the first callback,
 * failing the class's tests.
 */
public final class LocalClusterExtension
    implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

  private static final Namespace NAMESPACE = Namespace.create(LocalClusterExtension.class);
  private static final String SUITE_KEY = "suite-cluster";

  private enum Scope {
    CLASS,
    SUITE
  }

  private final Scope scope;
  private final LocalClusterConfig config;
  private LocalCluster cluster;
  private String ownerId;

  /**
   * The per-suite extension with free ports, for {@code @ExtendWith(LocalClusterExtension.class)};
   * the same as {@link #perSuite()}.
   */
  public LocalClusterExtension() {
    this(Scope.SUITE, null);
  }

  private LocalClusterExtension(Scope scope, LocalClusterConfig config) {
    this.scope = scope;
    this.config = config;
  }

  /**
   * One cluster per test class, on free ports, otherwise configured from the environment.
   *
   * @return the extension
   */
  public static LocalClusterExtension perClass() {
    return new LocalClusterExtension(Scope.CLASS, null);
  }

  /**
   * One cluster per test class with the given configuration; use {@link
   * LocalClusterConfig.Builder#freePorts()} unless the test needs fixed ports.
   *
   * @param config the configuration
   * @return the extension
   */
  public static LocalClusterExtension perClass(LocalClusterConfig config) {
    return new LocalClusterExtension(Scope.CLASS, config);
  }

  /**
   * One cluster for all test classes of the JVM, on free ports, otherwise configured from the
   * environment.
   *
   * @return the extension
   */
  public static LocalClusterExtension perSuite() {
    return new LocalClusterExtension(Scope.SUITE, null);
  }

  /**
   * One cluster for all test classes of the JVM with the given configuration, if this is the first
   * class to start it.
   *
   * @param config the configuration
   * @return the extension
   */
  public static LocalClusterExtension perSuite(LocalClusterConfig config) {
    return new LocalClusterExtension(Scope.SUITE, config);
  }

  /**
   * The running cluster, for use from tests and from {@code @BeforeAll} methods.
   *
   * @return the cluster
   * @throws IllegalStateException if called before the extension's {@code beforeAll} or after the
   *     class's cluster was closed (for example from a non-static field registration)
   */
  public synchronized LocalCluster cluster() {
    if (cluster == null) {
      throw new IllegalStateException(
          "The local cluster is not running; register LocalClusterExtension in a static field"
              + " annotated with @RegisterExtension");
    }
    return cluster;
  }

  @Override
  public synchronized void beforeAll(ExtensionContext context) {
    ensureStarted(context);
  }

  @Override
  public synchronized void afterAll(ExtensionContext context) {
    if (scope == Scope.CLASS && context.getUniqueId().equals(ownerId)) {
      try {
        cluster.close();
      } finally {
        cluster = null;
        ownerId = null;
      }
    }
  }

  @Override
  public boolean supportsParameter(
      ParameterContext parameterContext, ExtensionContext extensionContext) {
    return parameterContext.getParameter().getType() == LocalCluster.class;
  }

  @Override
  public synchronized Object resolveParameter(
      ParameterContext parameterContext, ExtensionContext extensionContext) {
    try {
      return ensureStarted(extensionContext);
    } catch (LocalClusterException e) {
      throw new ParameterResolutionException("The local cluster did not start", e);
    }
  }

  private LocalCluster ensureStarted(ExtensionContext context) {
    if (cluster != null) {
      return cluster;
    }
    if (scope == Scope.SUITE) {
      cluster =
          context
              .getRoot()
              .getStore(NAMESPACE)
              .getOrComputeIfAbsent(
                  SUITE_KEY,
                  key -> new SuiteCluster(LocalCluster.start(config())),
                  SuiteCluster.class)
              .cluster();
    } else {
      cluster = LocalCluster.start(config());
      ownerId = classContext(context).getUniqueId();
    }
    return cluster;
  }

  private static ExtensionContext classContext(ExtensionContext context) {
    ExtensionContext current = context;
    while (current.getTestMethod().isPresent()) {
      Optional<ExtensionContext> parent = current.getParent();
      if (parent.isEmpty()) {
        break;
      }
      current = parent.get();
    }
    return current;
  }

  private LocalClusterConfig config() {
    return config != null ? config : LocalClusterConfig.newBuilder().freePorts().build();
  }

  /**
   * Holds the per-suite cluster in the root store, which closes it when the engine finishes.
   * Implements the deprecated {@code CloseableResource} as well, for setups that turn off the
   * closing of plain {@link AutoCloseable} store values.
   */
  @SuppressWarnings("deprecation")
  private record SuiteCluster(LocalCluster cluster)
      implements AutoCloseable, ExtensionContext.Store.CloseableResource {

    @Override
    public void close() {
      cluster.close();
    }
  }
}

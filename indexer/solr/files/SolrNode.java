// One SolrCloud node in its own process, for timkiem's local trial and test clusters
// (timkiem solr start). Run in Java's single-file source mode, with the jars of pom.xml:
//   java -cp 'CACHE/lib/*' SolrNode.java SOLR_HOME PORT ZK_HOST
// Solr's binary distribution (bin/solr and its Jetty configuration) is not on Maven
// Central; its jars are, and JettySolrRunner (solr-test-framework) starts Solr's servlet
// filter in an embedded Jetty the way Solr's own cloud tests do. Nothing else runs here.
import java.util.Properties;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

public class SolrNode {
  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: SolrNode SOLR_HOME PORT ZK_HOST");
      System.exit(2);
    }
    Properties properties = new Properties();
    properties.setProperty("zkHost", args[2]);
    properties.setProperty("hostPort", args[1]);
    JettyConfig config =
        JettyConfig.builder().setPort(Integer.parseInt(args[1])).setContext("/solr").build();
    JettySolrRunner node = new JettySolrRunner(args[0], properties, config);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        node.stop();
      } catch (Exception e) {
        e.printStackTrace();
      }
    }));
    node.start();
    System.out.println("Solr node started: " + node.getBaseUrl());
    Thread.currentThread().join();
  }
}

package io.sparktrain.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import java.net.InetAddress;
import java.net.Socket;
import java.util.HashMap;
import java.util.List;
import okhttp3.Headers;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okio.Buffer;

/**
 * A Kubernetes API server for the tests: Fabric8's server in CRUD mode (it stores what clients create and
 * answers reads and lists from it) over plain HTTP on loopback. No kubelet runs behind it, so pods are
 * stored, never scheduled or started. Spark 3.5's submission creates its config maps and services with a
 * server-side apply (a PATCH of type application/apply-patch+yaml), which the CRUD server of this
 * version does not know; here an apply creates the object when it is absent and merges it otherwise,
 * which is what a real API server does for a first apply.
 */
public final class KubernetesApi implements AutoCloseable {
  private final KubernetesMockServer server;
  private final KubernetesClient client;

  private KubernetesApi(KubernetesMockServer server) {
    this.server = server;
    this.client = server.createClient();
  }

  public static KubernetesApi start() {
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new ApplyingDispatcher(), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    return new KubernetesApi(server);
  }

  /** The master URL for spark-submit. */
  public String master() {
    return "k8s://http://127.0.0.1:" + server.getPort();
  }

  /** A client of this server (its default namespace is "test": name the namespace you read). */
  public KubernetesClient client() {
    return client;
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }

  /** The CRUD dispatcher, with server-side apply as create-or-merge. */
  static final class ApplyingDispatcher extends KubernetesCrudDispatcher {
    @Override
    public MockResponse dispatch(RecordedRequest request) {
      String type = request.getHeader("Content-Type");
      if (!"PATCH".equals(request.getMethod()) || type == null || !type.contains("apply-patch")) {
        return super.dispatch(request);
      }
      String path = request.getPath().replaceFirst("\\?.*$", "");
      byte[] body = request.getBody().readByteArray();
      if (handleGet(path).getStatus().contains(" 404 ")) {
        String collection = path.substring(0, path.lastIndexOf('/'));
        return handleCreate(copy("POST", collection, "application/json", body));
      }
      return handlePatch(copy("PATCH", path, "application/merge-patch+json", body));
    }

    private static RecordedRequest copy(String method, String path, String contentType, byte[] body) {
      Headers headers = Headers.of("Content-Type", contentType);
      return new RecordedRequest(method + " " + path + " HTTP/1.1", headers, List.of(), body.length,
          new Buffer().write(body), 0, new Socket());
    }
  }
}

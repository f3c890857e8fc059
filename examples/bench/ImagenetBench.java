import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.guildpkg.tf.classify.Classifier;
import org.guildpkg.tf.model.SavedModel;
import org.guildpkg.tf.serve.ModelServer;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/**
 * MobileNet v2 predictions per second on one photo repeated into batches of 1 and 32, three ways
 * in one process: Guild's Classifier (SavedModel view, checked call, top-1 label), a hand-written
 * TensorFlow Java session on the same graph (feed image_bytes, fetch the probabilities), and REST
 * with b64 images to Guild's ModelServer on loopback (one client, sequential requests).
 *
 * <p>Usage: {@code ImagenetBench MODEL_DIR PHOTO SECONDS}.
 */
public final class ImagenetBench {
  interface Call {
    void run(List<byte[]> batch) throws Exception;
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    byte[] photo = Files.readAllBytes(Path.of(args[1]));
    double seconds = Double.parseDouble(args[2]);
    List<String> lines = new ArrayList<>();
    for (int batch : new int[] {1, 32}) {
      List<byte[]> images = Collections.nCopies(batch, photo);
      double lib;
      double raw;
      try (SavedModel model = SavedModel.open(dir)) {
        Classifier c = Classifier.of(model);
        lib = rate(images, seconds, b -> c.classifyImages(b));
      }
      try (SavedModelBundle bundle = SavedModelBundle.load(dir.toString(), "serve")) {
        Session s = bundle.session();
        raw = rate(images, seconds, b -> {
          try (TString t = TString.tensorOfBytes(NdArrays.vectorOfObjects(b.toArray(byte[][]::new)));
              Result r = s.runner().feed("image_bytes:0", t).fetch("guild_out/probabilities:0").run()) {
            ((TFloat32) r.get(0)).getFloat(0, 0);
          }
        });
      }
      double rest;
      try (ModelServer server = ModelServer.builder().maxBodyBytes(256L << 20).start()) {
        server.add("mobilenet", dir);
        URI uri = URI.create(server.uri() + "/v1/models/mobilenet:predict");
        HttpClient client = HttpClient.newHttpClient();
        StringBuilder body = new StringBuilder("{\"instances\": [");
        String b64 = Base64.getEncoder().encodeToString(photo);
        for (int i = 0; i < batch; i++) {
          body.append(i > 0 ? "," : "").append("{\"b64\": \"").append(b64).append("\"}");
        }
        String json = body.append("]}").toString();
        rest = rate(images, seconds, b -> {
          HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri)
              .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.body());
          }
        });
      }
      lines.add(String.format(Locale.ROOT,
          "batch %2d: guild %.1f/s, hand-written session %.1f/s (guild/session %.3f), REST b64 %.1f/s (REST/in-process %.3f)",
          batch, lib, raw, lib / raw, rest, rest / lib));
    }
    lines.forEach(System.out::println);
  }

  /** Predictions per second over {@code seconds}, after one second of warm-up. */
  static double rate(List<byte[]> batch, double seconds, Call call) throws Exception {
    long warm = System.nanoTime() + 1_000_000_000L;
    while (System.nanoTime() < warm) {
      call.run(batch);
    }
    long n = 0;
    long t0 = System.nanoTime();
    long end = t0 + (long) (seconds * 1e9);
    while (System.nanoTime() < end) {
      call.run(batch);
      n += batch.size();
    }
    return n / ((System.nanoTime() - t0) / 1e9);
  }
}

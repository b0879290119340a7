package io.sparktrain.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sparktrain.data.Example;
import io.sparktrain.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

/** The Spark ML transformer on a DataFrame, against the same network's output in plain DL4J. */
class SparktrainModelTest {
  @TempDir
  static Path dir;

  static SparkSession spark;
  static MultiLayerNetwork net;
  static String zip;
  static List<float[]> raw = new ArrayList<>();

  @BeforeAll
  static void model() throws IOException {
    spark = TestSpark.session();
    net = TinyModel.network();
    zip = Files.write(dir.resolve("model.zip"), TinyModel.zip(net)).toString();
    java.util.Random random = new java.util.Random(3);
    for (int i = 0; i < 600; i++) {
      raw.add(new float[] {10 + (float) random.nextGaussian() * 2, -2 + (float) random.nextGaussian() / 2,
          0.5f + (float) random.nextGaussian() / 4, 100 + (float) random.nextGaussian() * 100});
    }
  }

  /** What plain DL4J predicts for row {@code i}, scaled by the model's own statistics. */
  static float[] expected(int i) {
    float[] scaled = TinyModel.SCALER.apply(new Example(raw.get(i), 0)).features();
    return net.output(Nd4j.create(scaled, new long[] {1, 4}, 'c'), false).toFloatVector();
  }

  static Dataset<Row> table() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      float[] x = raw.get(i);
      rows.add(RowFactory.create((long) i, (double) x[0], (double) x[1], (double) x[2], (double) x[3]));
    }
    StructType schema = new StructType().add("id", DataTypes.LongType).add("a", DataTypes.DoubleType)
        .add("b", DataTypes.DoubleType).add("c", DataTypes.DoubleType).add("d", DataTypes.DoubleType);
    return spark.createDataFrame(rows, schema).repartition(3);
  }

  @Test
  void inAPipeline_addsNameIndexAndProbabilities_asPlainDl4jPredicts() {
    SparktrainModel model = SparktrainModel.load(zip, null).setOutputCol("colour");
    VectorAssembler assembler = new VectorAssembler().setInputCols(new String[] {"a", "b", "c", "d"})
        .setOutputCol("features");
    PipelineModel pipeline = new Pipeline().setStages(new PipelineStage[] {assembler, model}).fit(table());
    List<Row> out = pipeline.transform(table()).select("id", "colour", "prediction", "probability").collectAsList();
    assertThat(out).hasSize(raw.size());
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (Row r : out) {
      float[] p = expected((int) r.getLong(0));
      int best = 0;
      for (int c = 1; c < p.length; c++) {
        best = p[c] > p[best] ? c : best;
      }
      assertThat(r.getDouble(2)).isEqualTo(best);
      assertThat(r.getString(1)).isEqualTo(TinyModel.CLASSES.get(best));
      double[] probabilities = ((Vector) r.get(3)).toArray();
      for (int c = 0; c < p.length; c++) {
        assertThat(probabilities[c]).isCloseTo(p[c], org.assertj.core.data.Offset.offset(1e-5));
      }
      seen.add(r.getString(1));
    }
    assertThat(seen).as("the fixture's rows fall in more than one class").hasSizeGreaterThan(1);
  }

  @Test
  void arrayColumn_scoredLikeAVector() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      float[] x = raw.get(i);
      rows.add(RowFactory.create(i, new float[] {x[0], x[1], x[2], x[3]}));
    }
    StructType schema = new StructType().add("i", DataTypes.IntegerType)
        .add("x", DataTypes.createArrayType(DataTypes.FloatType));
    Dataset<Row> df = spark.createDataFrame(rows, schema);
    List<Row> out = SparktrainModel.load(zip, null).setInputCol("x").transform(df).collectAsList();
    for (Row r : out) {
      assertThat(((Vector) r.getAs("probability")).toArray()[0])
          .isCloseTo(expected(r.getInt(0))[0], org.assertj.core.data.Offset.offset(1e-5));
    }
  }

  @Test
  void schemaProblems_namedBeforeAnyJobRuns() {
    SparktrainModel model = SparktrainModel.load(zip, null);
    assertThatThrownBy(() -> model.transformSchema(table().schema())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("inputCol 'features' is not a column").hasMessageContaining("id, a, b, c, d");
    assertThatThrownBy(() -> model.copy(new org.apache.spark.ml.param.ParamMap()).setInputCol("id")
        .transformSchema(table().schema())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("inputCol 'id' is bigint; expected a Vector or an array of numbers");
    Dataset<Row> assembled = new VectorAssembler().setInputCols(new String[] {"a", "b", "c", "d"})
        .setOutputCol("features").transform(table()).withColumnRenamed("a", "prediction");
    assertThatThrownBy(() -> model.transformSchema(assembled.schema())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("output column 'prediction' already exists");
  }

  @Test
  void wrongWidth_failsNamingBothShapes_orIsKeptWithNullPredictions() {
    Dataset<Row> three = new VectorAssembler().setInputCols(new String[] {"a", "b", "c"}).setOutputCol("features")
        .transform(table());
    assertThatThrownBy(() -> SparktrainModel.load(zip, null).transform(three).count())
        .hasStackTraceContaining("column 'features' holds 3 values; the model takes 4 features (4 values)")
        .hasStackTraceContaining("setHandleInvalid(\"keep\")");
    List<Row> kept = SparktrainModel.load(zip, null).setHandleInvalid("keep").transform(three)
        .select("predicted", "prediction", "probability").collectAsList();
    assertThat(kept).hasSize(raw.size()).allSatisfy(r -> {
      assertThat(r.isNullAt(0)).isTrue();
      assertThat(r.isNullAt(1)).isTrue();
      assertThat(r.isNullAt(2)).isTrue();
    });
  }

  @Test
  void copy_keepsTheParamsAndTheModel() {
    SparktrainModel model = SparktrainModel.load(zip, null).setInputCol("v").setProbabilityCol("p");
    SparktrainModel copy = model.copy(new org.apache.spark.ml.param.ParamMap().put(model.outputCol(), "name"));
    assertThat(copy.uid()).isEqualTo(model.uid());
    assertThat(copy.getInputCol()).isEqualTo("v");
    assertThat(copy.getProbabilityCol()).isEqualTo("p");
    assertThat(copy.getOutputCol()).isEqualTo("name");
    assertThat(copy.modelSha256()).isEqualTo(model.modelSha256());
    assertThat(model.explainParams()).contains("inputCol", "handleInvalid");
  }
}

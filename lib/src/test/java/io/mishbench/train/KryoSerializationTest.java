package io.mishbench.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import scala.reflect.ClassTag$;

/** ND4J DataSets survive Spark's Kryo serialization: directly, and through a real shuffle. */
class KryoSerializationTest {

  private static DataSet dataSet(int seed) {
    Nd4j.getRandom().setSeed(seed);
    INDArray f = Nd4j.rand(DataType.FLOAT, 3, 2, 5, 5);
    INDArray l = Nd4j.zeros(DataType.FLOAT, 3, 4);
    l.putScalar(0, seed % 4, 1f);
    return new DataSet(f, l);
  }

  @Test
  void kryoRoundTripKeepsArraysAndViews() {
    SerializerInstance kryo = new KryoSerializer(SparkSetup.withDefaults(new SparkConf())).newInstance();
    DataSet ds = dataSet(3);
    ByteBuffer bytes = kryo.serialize(ds, ClassTag$.MODULE$.apply(DataSet.class));
    DataSet back = kryo.deserialize(bytes, ClassTag$.MODULE$.apply(DataSet.class));
    assertEquals(ds.getFeatures(), back.getFeatures());
    assertEquals(ds.getLabels(), back.getLabels());

    INDArray view = Nd4j.linspace(DataType.DOUBLE, 1, 24, 1).reshape(4, 6).get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 3));
    INDArray viewBack = kryo.deserialize(kryo.serialize(view, ClassTag$.MODULE$.apply(INDArray.class)),
        ClassTag$.MODULE$.apply(INDArray.class));
    assertEquals(view, viewBack);
  }

  @Test
  void dataSetsSurviveAShuffleBetweenTasks() {
    SparkConf conf = SparkSetup.withDefaults(new SparkConf().setMaster("local[2]").setAppName("kryo-shuffle"));
    assertEquals("org.apache.spark.serializer.KryoSerializer", conf.get("spark.serializer"));
    List<DataSet> sent = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      sent.add(dataSet(i));
    }
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      // groupByKey writes every record through the shuffle serializer (Kryo) and reads it back in
      // another task
      Map<Integer, float[]> received = new TreeMap<>();
      sc.parallelize(sent, 2)
          .mapToPair(ds -> new scala.Tuple2<>((int) ds.getLabels().argMax(1).getInt(0) * 100 + (int) (ds.getFeatures().sumNumber().doubleValue() * 1000) % 97, ds))
          .groupByKey(3)
          .flatMap(t -> t._2().iterator())
          .collect()
          .forEach(ds -> received.put(Math.round(ds.getFeatures().sumNumber().floatValue() * 1000), ds.getFeatures().data().asFloat()));
      assertEquals(8, received.size());
      for (DataSet ds : sent) {
        float[] got = received.get(Math.round(ds.getFeatures().sumNumber().floatValue() * 1000));
        assertArrayEquals(ds.getFeatures().data().asFloat(), got, 0f);
      }
      assertTrue(sc.getConf().get("spark.kryo.registrator").endsWith("Nd4jKryoRegistrator"));
    }
  }
}

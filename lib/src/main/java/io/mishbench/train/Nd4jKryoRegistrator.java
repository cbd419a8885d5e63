package io.mishbench.train;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import io.mishbench.averaging.ArrayCodec;
import io.mishbench.averaging.RoundState;
import io.mishbench.averaging.WorkerResult;
import org.apache.spark.serializer.KryoRegistrator;
import org.nd4j.common.primitives.AtomicDouble;
import org.nd4j.kryo.primitives.AtomicDoubleSerializer;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Registers mishbench's bulk array codec ({@link ArrayCodec}) and the averaging round's payloads with
 * Spark's Kryo.
 *
 * <p>dl4j-spark 1.0.0-M2 ships an {@code org.nd4j.kryo.Nd4jRegistrator}, but it calls
 * de.javakaffee kryo-serializers, whose Kryo 4.0.0 clashes with the kryo-shaded that Spark 3.5
 * ships; this registrator does the ND4J part only. The array class is the active backend's
 * (CPU or CUDA), so the same setting works on both. Java records (mishbench's task descriptions) go
 * through Java serialization, which Kryo 4 cannot do for them itself.
 */
public final class Nd4jKryoRegistrator implements KryoRegistrator {

  @Override
  public void registerClasses(Kryo kryo) {
    Nd4jBinary.selectForThisCpu(); // before ND4J loads, should Kryo come first in an executor (Nd4jBinaryPlugin)
    // ND4J's Nd4jSerializer writes element by element (about 0.4 GB/s); ArrayCodec copies the buffer
    kryo.register(Nd4j.getBackend().getNDArrayClass(), new ArrayCodec.KryoArraySerializer());
    kryo.register(RoundState.class, new RoundState.KryoSerializer());
    kryo.register(WorkerResult.class, new WorkerResult.KryoSerializer());
    kryo.register(AtomicDouble.class, new AtomicDoubleSerializer());
    // Kryo 4's FieldSerializer cannot build Java records; they are Serializable, so use that
    kryo.addDefaultSerializer(Record.class, JavaSerializer.class);
  }
}

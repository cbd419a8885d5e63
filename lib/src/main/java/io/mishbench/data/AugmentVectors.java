package io.mishbench.data;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The HSV colour jitter of {@link ImageAugmenter} written with the JDK's Vector API: the same
 * operations in the same order as the scalar loop, lane by lane, so the results are bit-identical and
 * several times faster (the jitter is otherwise the costliest step after decoding).
 *
 * <p>Only {@link ImageAugmenter} calls this class, and only when the JVM was started with
 * {@code --add-modules=jdk.incubator.vector}; without the module the class would not link.
 */
final class AugmentVectors {

  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

  private AugmentVectors() {}

  /**
   * Jitters pixels {@code [0, n)} of a CHW RGB image with planes of {@code plane} values in place, where
   * {@code n} is the largest multiple of the vector length not above {@code plane}; returns {@code n},
   * the first pixel left for the scalar loop. See {@code ImageAugmenter.Jitter} for the formulas.
   */
  static int hsvJitter(float[] chw, int plane, float shift, float saturationFactor, float exposureFactor) {
    int end = SPECIES.loopBound(plane);
    for (int i = 0; i < end; i += SPECIES.length()) {
      FloatVector r = FloatVector.fromArray(SPECIES, chw, i);
      FloatVector g = FloatVector.fromArray(SPECIES, chw, plane + i);
      FloatVector b = FloatVector.fromArray(SPECIES, chw, 2 * plane + i);
      FloatVector max = r.max(g).max(b);
      FloatVector delta = max.sub(r.min(g).min(b));
      VectorMask<Float> coloured = delta.compare(VectorOperators.GT, 0f);
      FloatVector inv = FloatVector.broadcast(SPECIES, 1f).div(delta);
      FloatVector redLargest = g.sub(b).mul(inv);
      FloatVector greenLargest = b.sub(r).mul(inv).add(2f);
      FloatVector blueLargest = r.sub(g).mul(inv).add(4f);
      FloatVector hue = blueLargest.blend(greenLargest, g.compare(VectorOperators.EQ, max))
          .blend(redLargest, r.compare(VectorOperators.EQ, max));
      FloatVector h = FloatVector.broadcast(SPECIES, shift).blend(hue.add(shift), coloured);
      h = h.blend(h.add(6f), h.compare(VectorOperators.LT, 0f));
      h = h.blend(h.sub(6f), h.compare(VectorOperators.GE, 6f));
      FloatVector sd = delta.mul(saturationFactor);
      FloatVector v = max.mul(exposureFactor);
      FloatVector vs = sd.min(max).mul(exposureFactor);
      v.sub(vs.mul(ramp(h.add(5f)))).max(0f).min(1f).intoArray(chw, i);
      v.sub(vs.mul(ramp(h.add(3f)))).max(0f).min(1f).intoArray(chw, plane + i);
      v.sub(vs.mul(ramp(h.add(1f)))).max(0f).min(1f).intoArray(chw, 2 * plane + i);
    }
    return end;
  }

  private static FloatVector ramp(FloatVector k) {
    k = k.blend(k.sub(6f), k.compare(VectorOperators.GE, 6f));
    return k.min(FloatVector.broadcast(SPECIES, 4f).sub(k)).max(0f).min(1f);
  }
}

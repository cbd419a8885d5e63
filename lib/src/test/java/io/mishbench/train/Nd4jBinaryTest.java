package io.mishbench.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

class Nd4jBinaryTest {

  @Test
  void picksTheFastestBuildTheCpuCanRun() {
    assertEquals("-avx512", Nd4jBinary.forFlags(Set.of("sse4_2", "avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl")));
    assertEquals("-avx2", Nd4jBinary.forFlags(Set.of("sse4_2", "avx2", "fma", "avx512f")), "partial AVX-512 is not enough");
    assertEquals("", Nd4jBinary.forFlags(Set.of("sse4_2", "avx")), "no AVX2: the portable build");
    assertEquals("", Nd4jBinary.forFlags(Set.of()));
  }
}

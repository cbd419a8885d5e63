package io.mishbench.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationLReLU;

class ActivationRegistryTest {

  @Test
  void leakyReluDefaultsToDarknetSlope() {
    ActivationLReLU a = (ActivationLReLU) ActivationRegistry.parse("leakyrelu").create();
    assertEquals(0.1, a.getAlpha(), 0);
    assertEquals(0.2, ((ActivationLReLU) ActivationRegistry.parse("leakyrelu:0.2").create()).getAlpha(), 0);
    assertEquals("leakyrelu", ActivationRegistry.canonicalName("LeakyReLU:0.1"));
  }

  @Test
  void unknownNamesListTheKnownOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ActivationRegistry.parse("gelu"));
    assertTrue(e.getMessage().contains("mish, swish, leakyrelu"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ActivationRegistry.parse("leakyrelu:1.5"));
    assertThrows(IllegalArgumentException.class, () -> ActivationRegistry.parse("leakyrelu:abc"));
  }
}

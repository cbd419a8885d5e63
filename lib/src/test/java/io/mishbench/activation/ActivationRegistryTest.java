package io.mishbench.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ActivationRegistryTest {

  @Test
  void namesGiveMishbenchActivations() {
    assertInstanceOf(MishActivation.class, ActivationRegistry.parse("mish").create());
    assertInstanceOf(SwishActivation.class, ActivationRegistry.parse("Swish").create());
    assertInstanceOf(ReLUActivation.class, ActivationRegistry.parse("relu").create());
    assertEquals("mish", ActivationRegistry.parse("MISH").create().name());
  }

  @Test
  void leakyReluDefaultsToDarknetSlope() {
    LeakyReLUActivation a = (LeakyReLUActivation) ActivationRegistry.parse("leakyrelu").create();
    assertEquals(0.1, a.slope(), 0);
    assertEquals(0.1, new LeakyReLUActivation().slope(), 0);
    LeakyReLUActivation b = (LeakyReLUActivation) ActivationRegistry.parse("leakyrelu:0.20").create();
    assertEquals(0.2, b.slope(), 0);
    assertEquals("leakyrelu:0.2", b.name());
    assertEquals("leakyrelu:0.2", ActivationRegistry.canonicalName("leakyrelu:0.20"));
    assertEquals("leakyrelu", ActivationRegistry.canonicalName("LeakyReLU:0.1"));
    assertEquals("leakyrelu:0.0", ActivationRegistry.canonicalName("leakyrelu:0"));
  }

  @Test
  void unknownNamesListTheKnownOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ActivationRegistry.parse("gelu"));
    assertTrue(e.getMessage().contains("'gelu'") && e.getMessage().contains("mish, swish, leakyrelu"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ActivationRegistry.parse(" "));
    assertTrue(e.getMessage().contains("known: mish"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"leakyrelu:1.5", "leakyrelu:-0.1", "leakyrelu:1", "leakyrelu:NaN", "leakyrelu:abc",
      "leakyrelu:", "leakyrelu:Infinity"})
  void badSlopesNameTheValue(String name) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ActivationRegistry.parse(name));
    String value = name.substring("leakyrelu:".length()).toLowerCase();
    assertTrue(e.getMessage().toLowerCase().contains(value) && e.getMessage().contains("[0, 1)"), e.getMessage());
  }

  @Test
  void constructorRejectsBadSlopes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LeakyReLUActivation(Double.NaN));
    assertTrue(e.getMessage().contains("NaN"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new LeakyReLUActivation(-2));
  }
}

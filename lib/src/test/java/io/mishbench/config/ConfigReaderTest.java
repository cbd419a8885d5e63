package io.mishbench.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shared rules: one meaning of each interval end, of distinct, and every problem at once. */
class ConfigReaderTest {

  @Test
  void intervalEndsMeanWhatTheirNamesSay() {
    Interval closedOpen = Interval.closedOpen(0, 1);
    assertTrue(closedOpen.contains(0));
    assertFalse(closedOpen.contains(1));
    Interval openClosed = Interval.openClosed(0, 10);
    assertFalse(openClosed.contains(0));
    assertTrue(openClosed.contains(10));
    assertTrue(Interval.closed(0, 1).contains(1) && Interval.closed(0, 1).contains(0));
    assertFalse(Interval.open(0, 1).contains(0) || Interval.open(0, 1).contains(1));
    assertFalse(Interval.closed(0, 1).contains(Double.NaN));
    assertEquals("must be in [0.0, 1.0), got 1.0",
        assertThrows(IllegalArgumentException.class, () -> closedOpen.check(1)).getMessage());
    assertEquals("dropout must be in [0.0, 1.0), got 1.0",
        assertThrows(IllegalArgumentException.class, () -> closedOpen.check("dropout", 1)).getMessage());
    assertEquals("must be in [1, 7], got 8",
        assertThrows(IllegalArgumentException.class, () -> IntRange.of(1, 7).check(8)).getMessage());
    assertEquals(7, IntRange.of(1, 7).check(7));
  }

  @Test
  void distinctRefusesRepeatsAndNeverDropsThem() {
    assertEquals(List.of("a", "b"), Checks.distinct(List.of("a", "b")));
    assertEquals("has duplicates: [a, b, a]",
        assertThrows(IllegalArgumentException.class, () -> Checks.distinct(List.of("a", "b", "a"))).getMessage());
    assertEquals(List.of(), Checks.distinct(List.of()));
    assertEquals("must not be empty",
        assertThrows(IllegalArgumentException.class, () -> Checks.distinctNonEmpty(List.of())).getMessage());
  }

  @Test
  void collectsEveryProblemWithItsKeyAndUnknownKeysInScope() {
    Config defaults = ConfigFactory.parseString("b { n = 1, x = 0.5, s = null }, other = 1");
    Config user = ConfigFactory.parseString("b { n = 9, x = wide, typo = 2 }, elsewhere = 3");
    ConfigReader r = ConfigReader.over(user, defaults, k -> k.startsWith("b."), "test.conf");
    assertNull(r.get("b.n", IntRange.of(1, 5)));
    assertNull(r.get("b.x", Interval.closed(0, 1)));
    assertNull(r.get("b.s", k -> r.required(k, "a path")));
    assertEquals(1, r.get("other", IntRange.of(0, 1)));
    ConfigValidationException e = assertThrows(ConfigValidationException.class, () -> r.throwIfAny("test.conf"));
    List<String> p = e.problems();
    assertEquals(4, p.size(), p.toString());
    assertEquals(List.of("b.typo: unknown key", "b.n: must be in [1, 5], got 9"), p.subList(0, 2));
    assertTrue(p.get(2).startsWith("b.x: wrong type (") && p.get(2).contains("STRING rather than NUMBER"), p.get(2));
    assertEquals("b.s: required (a path)", p.get(3));
    assertTrue(e.getMessage().startsWith("config test.conf has 4 problem(s)"), e.getMessage());
  }
}

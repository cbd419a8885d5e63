package io.mishbench.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One benchmark result as a line of JSON, fields in the order they are put, written by Jackson (names
 * and strings escaped). Numbers keep the precision a benchmark means ({@link #fixed}: decimals,
 * {@link #significant}: digits); a non-finite number (a NaN loss, a rate over zero seconds) is written
 * {@code null}, never the invalid {@code NaN} or {@code Infinity}, so every line parses as JSON.
 */
public final class JsonLine {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, Object> fields = new LinkedHashMap<>();

  /** A field as it is; a non-finite floating-point number is written null. */
  public JsonLine put(String name, Object value) {
    boolean nonFinite = (value instanceof Double d && !Double.isFinite(d)) || (value instanceof Float f && !Float.isFinite(f));
    fields.put(name, nonFinite ? null : value);
    return this;
  }

  /** {@code value} rounded half-up to {@code decimals} places ({@code %.2f}-like); null when not finite. */
  public JsonLine fixed(String name, double value, int decimals) {
    fields.put(name, Double.isFinite(value) ? BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_UP) : null);
    return this;
  }

  /** {@code value} to {@code digits} significant digits ({@code %.4g}-like); null when not finite. */
  public JsonLine significant(String name, double value, int digits) {
    fields.put(name, Double.isFinite(value) ? new BigDecimal(value).round(new MathContext(digits)) : null);
    return this;
  }

  /** The line, without a line break. */
  @Override
  public String toString() {
    try {
      return JSON.writeValueAsString(fields);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + fields + " as JSON", e);
    }
  }
}

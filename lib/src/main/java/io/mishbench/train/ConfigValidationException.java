package io.mishbench.train;

import java.util.List;

/** Every problem found in one experiment config, each as {@code key.path: what is wrong}. */
public final class ConfigValidationException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public ConfigValidationException(String origin, List<String> problems) {
    super("config " + origin + " has " + problems.size() + " problem(s):\n  - " + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}

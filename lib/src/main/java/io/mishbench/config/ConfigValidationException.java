package io.mishbench.config;

import java.util.List;

/**
 * Every problem found in one config file, each as {@code key.path: what is wrong}: what the experiment,
 * robustness and landscape readers ({@link ConfigReader}) throw, an {@link IllegalArgumentException}, so
 * the commands report it as bad input (exit code 2).
 */
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

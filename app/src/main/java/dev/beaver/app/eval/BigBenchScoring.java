package dev.beaver.app.eval;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * BIG-bench's scoring maths, as pure functions: the choice normalisation of {@code
 * cond_log_prob}, {@code multiple_choice_grade}, {@code exact_str_match} and the output
 * post-processing ({@code model_utils.postprocess_output}).
 */
public final class BigBenchScoring {
  private BigBenchScoring() {}

  /**
   * Log-probabilities of the choices normalised over the choices: {@code s − logsumexp(s)}. A
   * summed log-probability of exactly 0 (an empty target) is taken as −∞ first, as upstream
   * does.
   *
   * @param summed (C) summed target-token log-probabilities of one example's choices
   * @return (C) normalised log-probabilities (all −∞ stays −∞)
   */
  public static double[] normalizeChoices(double[] summed) {
    double[] s = new double[summed.length];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < s.length; i++) {
      s[i] = summed[i] == 0.0 ? Double.NEGATIVE_INFINITY : summed[i];
      max = Math.max(max, s[i]);
    }
    if (max == Double.NEGATIVE_INFINITY) {
      return s;
    }
    double sum = 0;
    for (double v : s) {
      sum += Math.exp(v - max);
    }
    double lse = max + Math.log(sum);
    double[] out = new double[s.length];
    for (int i = 0; i < s.length; i++) {
      out[i] = s[i] - lse;
    }
    return out;
  }

  /** The first index of the maximum, as Python's {@code list.index(max(list))}. */
  public static int argmax(double[] x) {
    int best = 0;
    for (int i = 1; i < x.length; i++) {
      if (x[i] > x[best]) {
        best = i;
      }
    }
    return best;
  }

  /**
   * {@code multiple_choice_grade}: the mean over examples of the target score of the most likely
   * choice.
   *
   * @param logProbs per example, (C) log-probabilities of its choices
   * @param choices per example, the choices in the same order
   * @param targetScores per example, choice -> score
   */
  public static double multipleChoiceGrade(List<double[]> logProbs, List<List<String>> choices,
      List<Map<String, Double>> targetScores) {
    if (logProbs.isEmpty()) {
      throw new IllegalArgumentException("multiple_choice_grade of no examples");
    }
    double total = 0;
    for (int e = 0; e < logProbs.size(); e++) {
      String chosen = choices.get(e).get(argmax(logProbs.get(e)));
      total += targetScores.get(e).get(chosen);
    }
    return total / logProbs.size();
  }

  /** {@code exact_str_match}: the fraction of responses equal to one of their targets. */
  public static double exactStrMatch(List<List<String>> targets, List<String> responses) {
    if (responses.isEmpty()) {
      throw new IllegalArgumentException("exact_str_match of no examples");
    }
    int n = 0;
    for (int i = 0; i < responses.size(); i++) {
      if (targets.get(i).contains(responses.get(i))) {
        n++;
      }
    }
    return (double) n / responses.size();
  }

  /**
   * BIG-bench's {@code postprocess_output}: cut after the first {@code stopString} (kept; only
   * when it is found after position 0, as upstream's {@code index > 0}), then, with {@code
   * outputRegex}, keep its first match (its group when it has one; "" when nothing matches).
   *
   * @throws IllegalArgumentException when the regex has more than one capturing group (upstream
   *     asserts the same)
   */
  public static String postprocess(String text, String stopString, String outputRegex) {
    if (stopString != null && !stopString.isEmpty()) {
      int index = text.indexOf(stopString);
      if (index > 0) {
        text = text.substring(0, index + stopString.length());
      }
    }
    if (outputRegex != null) {
      Pattern p = Pattern.compile(outputRegex);
      Matcher m = p.matcher(text);
      if (m.groupCount() > 1) {
        throw new IllegalArgumentException("output_regex " + outputRegex + " has "
            + m.groupCount() + " capturing groups; use non-capturing groups (?:...)");
      }
      text = m.find() ? (m.groupCount() == 1 ? nullToEmpty(m.group(1)) : m.group()) : "";
    }
    return text;
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  /**
   * The expected {@code multiple_choice_grade} of a uniformly random choice (the task's low
   * score): per example the mean of its target scores, averaged.
   */
  public static double randomChoiceGrade(List<Map<String, Double>> targetScores) {
    double total = 0;
    for (Map<String, Double> ts : targetScores) {
      total += ts.values().stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }
    return targetScores.isEmpty() ? Double.NaN : total / targetScores.size();
  }
}

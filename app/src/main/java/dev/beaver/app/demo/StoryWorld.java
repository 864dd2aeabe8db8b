package dev.beaver.app.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The demo's embedded world: requests for short children's stories ("Tell me a story about Tom
 * and a kite.") and a deterministic generator of stories that answer them.
 *
 * <p>A story is an opening that names the character and the object, zero to three event
 * sentences and an ending; events and ending refer to them as "they" and "it", so that a tiny
 * model has one thing to copy from the request (the opening). Events are safe
 * (sharing, dancing, building, ...) or unsafe (hitting, stealing, fire, ...). As in real
 * preference data, the most eventful stories are often harmful: the third event of a
 * three-event story (its climax) is unsafe with probability {@link #CLIMAX_UNSAFE}, any other
 * event with probability {@link #EVENT_UNSAFE}. Some stories also miss the request (another toy
 * instead of the object) or stop before "The end.", so that helpfulness varies beyond events.
 * Every choice comes from the caller's {@link SplittableRandom}: same seed, same stories.
 */
public final class StoryWorld {
  /** Characters; the requests pair each with each object. */
  public static final List<String> NAMES = List.of("Tom", "Lily", "Ben", "Mia", "Sam", "Anna",
      "Max", "Sue", "Tim", "Lucy", "Jack", "Emma", "Leo", "Zoe", "Dan", "Kim");

  /** Objects of the requests. */
  public static final List<String> OBJECTS = List.of("kite", "ball", "dog", "cat", "boat",
      "drum", "hat", "car", "doll", "book", "cake", "bike");

  /**
   * Openings: the only sentence that names the character ({N}) and the object ({O}). The object
   * ends the sentence, as it ends the request, so that it is the same token in both.
   */
  static final List<String> OPENINGS = List.of(
      "One day {N} found a {O}.",
      "{N} had a {O}.",
      "Once upon a time {N} got a new {O}.");

  /** Safe events: eventful, harmless. */
  static final List<String> SAFE_EVENTS = List.of(
      "They shared it with a friend.",
      "They danced with it in the sun.",
      "They built a little house for it.",
      "They helped a bird find its nest.",
      "They sang a song to it.",
      "They painted it red and blue.");

  /** Unsafe events: what the harm judge flags. */
  static final List<String> UNSAFE_EVENTS = List.of(
      "They hit a friend with it.",
      "They stole a cake from the shop.",
      "They played with fire next to it.",
      "They pushed a friend into the mud.",
      "They threw it at a dog.");

  /** Endings; they close the story with "The end." */
  static final List<String> ENDINGS = List.of(
      "They were very happy. The end.",
      "At night they went to bed. The end.");

  /** What a story that misses the request talks about instead of the object. */
  static final String OTHER_TOY = "toy";

  /** Probability that the climax (third event) is unsafe. */
  static final double CLIMAX_UNSAFE = 0.6;

  /** Probability that any other event is unsafe. */
  static final double EVENT_UNSAFE = 0.12;

  /** Cumulative probabilities of 0, 1, 2 and 3 events. */
  private static final double[] EVENT_COUNT_CDF = {0.10, 0.35, 0.65, 1.0};

  /** Probability that a story talks about another toy instead of the requested object. */
  private static final double MISS_OBJECT = 0.08;

  /** Probability that a story stops without its ending. */
  private static final double NO_ENDING = 0.08;

  /** The prompt text of a request. */
  public static String request(String name, String object) {
    return "Tell me a story about " + name + " and a " + object + ".";
  }

  /** A request: character and object. */
  public record Request(String name, String object) {
    public String text() {
      return request(name, object);
    }
  }

  /**
   * Every request, split deterministically: one pair in four (by position in a fixed
   * interleaving) is held out for evaluation and never trained on.
   */
  public static List<Request> requests(boolean heldOut) {
    List<Request> out = new ArrayList<>();
    for (int i = 0; i < NAMES.size(); i++) {
      for (int j = 0; j < OBJECTS.size(); j++) {
        boolean held = (i + 3 * j) % 4 == 0;
        if (held == heldOut) {
          out.add(new Request(NAMES.get(i), OBJECTS.get(j)));
        }
      }
    }
    return out;
  }

  /** A random request of the training split. */
  public static Request trainingRequest(SplittableRandom rng) {
    List<Request> train = requests(false);
    return train.get(rng.nextInt(train.size()));
  }

  /** A story answering {@code request}, drawn from the world's distribution. */
  public static String story(Request request, SplittableRandom rng) {
    String name = request.name();
    String object = rng.nextDouble() < MISS_OBJECT ? OTHER_TOY : request.object();
    List<String> sentences = new ArrayList<>();
    sentences.add(pick(OPENINGS, rng));
    int events = eventCount(rng.nextDouble());
    List<String> used = new ArrayList<>();
    for (int e = 0; e < events; e++) {
      double unsafeP = events == 3 && e == 2 ? CLIMAX_UNSAFE : EVENT_UNSAFE;
      List<String> pool = rng.nextDouble() < unsafeP ? UNSAFE_EVENTS : SAFE_EVENTS;
      String event = pick(pool, rng);
      while (used.contains(event)) { // distinct events: repeats would not be a story
        event = pick(pool, rng);
      }
      used.add(event);
      sentences.add(event);
    }
    if (rng.nextDouble() >= NO_ENDING) {
      sentences.add(pick(ENDINGS, rng));
    }
    return fill(String.join(" ", sentences), name, object);
  }

  /** Every sentence of the world with every character and object: the tokenizer's corpus. */
  public static List<String> inventory() {
    List<String> templates = new ArrayList<>();
    templates.addAll(OPENINGS);
    templates.addAll(SAFE_EVENTS);
    templates.addAll(UNSAFE_EVENTS);
    templates.addAll(ENDINGS);
    List<String> objects = new ArrayList<>(OBJECTS);
    objects.add(OTHER_TOY);
    List<String> out = new ArrayList<>();
    for (String name : NAMES) {
      for (String object : objects) {
        out.add(request(name, object));
        for (String t : templates) {
          out.add(fill(t, name, object));
        }
      }
    }
    return out;
  }

  static int eventCount(double u) {
    for (int k = 0; k < EVENT_COUNT_CDF.length; k++) {
      if (u < EVENT_COUNT_CDF[k]) {
        return k;
      }
    }
    return EVENT_COUNT_CDF.length - 1;
  }

  private static String pick(List<String> list, SplittableRandom rng) {
    return list.get(rng.nextInt(list.size()));
  }

  private static String fill(String template, String name, String object) {
    return template.replace("{N}", name).replace("{O}", object);
  }

  private StoryWorld() {}
}

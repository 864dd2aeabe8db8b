package dev.beaver.app.judge;

import dev.beaver.models.InvalidInputException;

/**
 * The judge endpoint refused a request for a reason retrying cannot fix (401 bad key, 404 no
 * such model or URL, 400 bad request): the run stops, exit code 2.
 */
final class JudgeEndpointException extends InvalidInputException {
  JudgeEndpointException(String message) {
    super(message);
  }
}

package io.rapport.engine.http;

import io.rapport.engine.store.CustomerFilter;
import io.vertx.core.MultiMap;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The query of {@code GET /v1/customers?stage=S&q=TEXT&limit=N&after=CURSOR}, checked: a stage is a rule's stage
 * name, q is the start of a customer id, the cursor is the {@code next} of the page before (the last id, in
 * base64url, so that any id travels safely in a URL).
 */
final class CustomerListQuery {
  static final int DEFAULT_LIMIT = 50;
  static final int MOST_PER_PAGE = 500;
  /** As the rules name stages: one word of letters, digits, '_', '-' or '.'. */
  private static final Pattern STAGE = Pattern.compile("[\\p{L}\\p{N}_.-]{1,64}");
  /** The longest customer id the store holds. */
  private static final int MAX_ID = 200;

  private CustomerListQuery() {}

  /** @throws IllegalArgumentException saying what is wrong with the query, for a 400 */
  static CustomerFilter parse(MultiMap params) {
    String stage = params.get("stage");
    if (stage != null && stage.isEmpty()) {
      stage = null;
    }
    if (stage != null && !STAGE.matcher(stage).matches()) {
      throw new IllegalArgumentException(
          "stage must be a stage name: one word of at most 64 letters, digits, '_', '-' or '.'");
    }
    String q = params.get("q");
    if (q != null && (q.length() > MAX_ID || hasControl(q))) {
      throw new IllegalArgumentException("q is the start of a customer id: at most " + MAX_ID
          + " characters, none of them a control character");
    }
    return new CustomerFilter(stage, q, cursor(params.get("after")), limit(params.get("limit")));
  }

  private static int limit(String text) {
    if (text == null) {
      return DEFAULT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(text);
      if (limit >= 1 && limit <= MOST_PER_PAGE) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new IllegalArgumentException("limit must be a whole number from 1 to " + MOST_PER_PAGE);
  }

  /** Whether the text holds a control character (U+0000 among them, which PostgreSQL's text refuses). */
  private static boolean hasControl(String text) {
    return text.chars().anyMatch(Character::isISOControl);
  }

  /** The id a cursor stands for; null for none. */
  private static String cursor(String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    try {
      byte[] bytes = Base64.getUrlDecoder().decode(text);
      String id = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
      if (!id.isEmpty() && id.length() <= MAX_ID && !hasControl(id)) {
        return id;
      }
    } catch (IllegalArgumentException | CharacterCodingException e) {
      // refused below
    }
    throw new IllegalArgumentException("after must be the 'next' cursor of the page before");
  }

  /** The cursor of the page after the one ending at this id. */
  static String cursorAfter(String id) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(id.getBytes(StandardCharsets.UTF_8));
  }
}

package io.rapport.engine.http;

import io.rapport.engine.access.Keys;
import io.rapport.engine.access.Scope;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * Lets a request through when it carries a key of its endpoint's scope ({@code Authorization: Bearer KEY}), or the
 * scope was opened on purpose; otherwise answers 401 (no key) or 403 (a key that is not for this).
 */
final class Guard {
  private final Keys keys;

  Guard(Keys keys) {
    this.keys = keys;
  }

  /** The holder's name when the request may go on; empty when it was answered already. */
  Optional<String> admits(RoutingContext ctx, Scope scope) {
    return admits(ctx, scope, keys.open(scope));
  }

  private Optional<String> admits(RoutingContext ctx, Scope scope, boolean open) {
    if (open) {
      return Optional.of("anonymous");
    }
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      Errors.send(ctx, 401, "this needs the " + scope.word() + " key (or the admin key): Authorization: Bearer KEY");
      return Optional.empty();
    }
    Optional<String> holder = keys.holder(header.substring(7).trim(), scope);
    if (holder.isEmpty()) {
      Errors.send(ctx, 403, "this key is not valid for " + scope.word() + " requests");
    }
    return holder;
  }

  /** Whether the request may go on; answered when not. */
  boolean allows(RoutingContext ctx, Scope scope) {
    return admits(ctx, scope).isPresent();
  }

  /**
   * Like {@link #allows}, but a key is needed even where the scope was opened: for surfaces that hand out every
   * customer at once (an open read scope lets anyone look up a customer whose id they know, not list them all).
   */
  boolean allowsWithKey(RoutingContext ctx, Scope scope) {
    return admits(ctx, scope, false).isPresent();
  }
}

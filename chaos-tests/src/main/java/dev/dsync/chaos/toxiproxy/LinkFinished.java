package dev.dsync.chaos.toxiproxy;

/**
 * Unwinds a {@link ToxicLink}'s thread from deep inside the toxic chain once the link has ended
 * (closed by a toxic, by the peer, or by the proxy). Control flow only, hence no stack trace.
 */
final class LinkFinished extends RuntimeException {
  private static final long serialVersionUID = 1L;

  LinkFinished() {
    super("link finished", null, false, false);
  }
}

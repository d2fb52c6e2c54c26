package dev.cachalot.sentence;

/** A conversation with a sentence server, over TCP or UDP. */
public interface SentenceClient extends AutoCloseable {

  /** Sends one sentence and returns the server's upper-cased reply. */
  String send(String sentence);

  @Override
  void close();
}

package dev.beaver.actors.monitor;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Messages waiting in one {@link CountingMailbox}: enqueued (many senders: a {@link LongAdder},
 * so senders do not contend with the actor on one cache line) minus dequeued (the actor's thread
 * alone: a lazily published counter). A reading taken during a send may be off by the messages
 * in flight; it is never negative.
 */
final class MailboxDepth {
  private final LongAdder enqueued = new LongAdder();
  private final AtomicLong dequeued = new AtomicLong();

  void enqueued() {
    enqueued.increment();
  }

  /** Only the mailbox's single consumer calls this. */
  void dequeued() {
    dequeued.lazySet(dequeued.get() + 1);
  }

  int depth() {
    long d = dequeued.get();
    return (int) Math.max(0, Math.min(Integer.MAX_VALUE, enqueued.sum() - d));
  }
}

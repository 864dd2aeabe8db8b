package dev.beaver.actors.monitor;

import com.typesafe.config.Config;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.dispatch.AbstractNodeQueue;
import org.apache.pekko.dispatch.Envelope;
import org.apache.pekko.dispatch.MailboxType;
import org.apache.pekko.dispatch.MessageQueue;
import org.apache.pekko.dispatch.ProducesMessageQueue;
import org.apache.pekko.dispatch.UnboundedMessageQueueSemantics;
import scala.Option;

/**
 * An unbounded mailbox (the same multi-producer single-consumer node queue as Pekko's typed
 * default, {@code SingleConsumerOnlyUnboundedMailbox}) that also counts the messages waiting in
 * it, for the monitoring registry's mailbox depth. The count is one atomic increment per enqueue
 * and one decrement per dequeue. Selected for instrumented
 * actors with {@code MailboxSelector.fromConfig("beaver-monitor-mailbox")} ({@link
 * Monitoring#props}); an actor's interceptor cannot see its mailbox, hence this type.
 */
public final class CountingMailbox
    implements MailboxType, ProducesMessageQueue<CountingMailbox.Queue> {

  /** Pekko's constructor for mailbox types. */
  public CountingMailbox(ActorSystem.Settings settings, Config config) {}

  @Override
  public MessageQueue create(Option<ActorRef> owner, Option<ActorSystem> system) {
    if (owner.isDefined() && system.isDefined()) {
      MonitorRegistry registry = MonitorRegistry.get(system.get());
      ActorRef ref = owner.get();
      MailboxDepth depth = registry.mailboxCreated(ref.path());
      return new Queue(depth, () -> registry.mailboxClosed(ref.path(), depth));
    }
    return new Queue(new MailboxDepth(), () -> { });
  }

  /** The queue with its depth counter. */
  @SuppressWarnings("serial") // never serialized (AbstractNodeQueue is an AtomicReference)
  public static final class Queue extends AbstractNodeQueue<Envelope>
      implements MessageQueue, UnboundedMessageQueueSemantics {
    private final transient MailboxDepth depth;
    private final transient Runnable onClose;

    Queue(MailboxDepth depth, Runnable onClose) {
      this.depth = depth;
      this.onClose = onClose;
    }

    @Override
    public void enqueue(ActorRef receiver, Envelope handle) {
      depth.enqueued(); // before add: the consumer never counts a message twice
      add(handle);
    }

    @Override
    public Envelope dequeue() {
      Envelope e = poll();
      if (e != null) {
        depth.dequeued();
      }
      return e;
    }

    @Override
    public int numberOfMessages() {
      return depth.depth();
    }

    @Override
    public boolean hasMessages() {
      return !isEmpty();
    }

    @Override
    public void cleanUp(ActorRef owner, MessageQueue deadLetters) {
      onClose.run();
      Envelope e;
      while ((e = dequeue()) != null) {
        deadLetters.enqueue(owner, e);
      }
    }
  }
}

package dev.beaver.app.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ChatCommandTest {
  @Test
  void shouldAcceptBareAndSlashedWordsInAnyCase() {
    assertEquals(ChatCommand.EXIT, ChatCommand.parse("exit"));
    assertEquals(ChatCommand.EXIT, ChatCommand.parse("  /EXIT "));
    assertEquals(ChatCommand.QUIT, ChatCommand.parse("quit"));
    assertEquals(ChatCommand.RESET, ChatCommand.parse("/reset"));
    assertEquals(ChatCommand.CLEAR, ChatCommand.parse("Clear"));
    assertEquals(ChatCommand.REGENERATE, ChatCommand.parse("regenerate"));
    assertEquals(ChatCommand.HELP, ChatCommand.parse("/help"));
  }

  @Test
  void shouldTreatEverythingElseAsText() {
    assertNull(ChatCommand.parse("exit now"));
    assertNull(ChatCommand.parse("Tell me how to exit vim"));
    assertNull(ChatCommand.parse(""));
    assertNull(ChatCommand.parse("//exit"));
  }

  @Test
  void shouldListEveryCommandInHelp() {
    for (ChatCommand c : ChatCommand.values()) {
      assertTrue(ChatCommand.helpText().contains(c.name().toLowerCase()), c.name());
    }
  }
}

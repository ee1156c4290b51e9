package dev.sam.core.model;

/** One turn of a chat sample: role is system, user or assistant. */
public record ChatMessage(String role, String content) {
}

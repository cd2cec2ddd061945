/**
 * jtls servers sharing TLS state through Redis (with Jedis): {@link io.jtls.redis.RedisSessionStore},
 * a session store for {@code TlsServerOptions.sessionStore(...)} so that a session made by one
 * process resumes on another, and {@link io.jtls.redis.RedisTicketKeyRing}, which keeps the
 * session-ticket keys of every server in step while they rotate. Redis calls run off the event
 * loops.
 */
package io.jtls.redis;

"""The sanitizing mail gateway (メール無害化ゲートウェイ): SMTP listener, durable spool, workers, relay.

A service, not an engine: it uses the sanitize engine and hands originals to the quarantine app through
``mamori.quarantine.services`` only.
"""

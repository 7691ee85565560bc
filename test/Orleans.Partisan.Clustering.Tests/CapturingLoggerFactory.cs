using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Orleans.Partisan.Clustering.Tests;

/// <summary>A logger factory whose loggers keep every event (id and message), for tests that check what was logged.</summary>
internal sealed class CapturingLoggerFactory : ILoggerFactory
{
    private readonly ConcurrentQueue<(int Id, string Message)> _events = new();

    /// <summary>The messages logged with event id <paramref name="id"/>.</summary>
    public IReadOnlyList<string> Messages(int id) => [.. _events.Where(e => e.Id == id).Select(e => e.Message)];

    /// <summary>Every event, for a failure message.</summary>
    public string Dump() => string.Join(" | ", _events.Select(e => $"{e.Id}: {e.Message}"));

    public ILogger CreateLogger(string categoryName) => new Logger(_events);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<(int Id, string Message)> events) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => events.Enqueue((eventId.Id, formatter(state, exception)));
    }
}

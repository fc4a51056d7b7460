using Stadtdialog.Knowledge.Readers;

namespace Stadtdialog.Knowledge.Sources;

/// <summary>What a connector reports for one item (file, page, feed) of a source during a run.</summary>
public abstract record SourceItem(string Key);

/// <summary>New content to read. <see cref="ETag"/>/<see cref="LastModifiedHeader"/> are kept for the next conditional GET.</summary>
public sealed record FetchedItem(RawDocument Document) : SourceItem(Document.Key)
{
    public string? ETag { get; init; }

    public string? LastModifiedHeader { get; init; }

    /// <summary>Links found on the page (absolute URLs); kept so that a later 304 can still be crawled through.</summary>
    public IReadOnlyList<string> Links { get; init; } = [];
}

/// <summary>The item has not changed since the last run (HTTP 304): what is indexed stays.</summary>
public sealed record UnchangedItem(string Key) : SourceItem(Key);

/// <summary>The item no longer exists (HTTP 404/410): a former version is removed.</summary>
public sealed record GoneItem(string Key, string Reason) : SourceItem(Key);

/// <summary>The item could not be fetched (5xx, timeout, redirect loop, too large ...): a former version stays.</summary>
public sealed record FailedItem(string Key, string Url, string Message) : SourceItem(Key);

/// <summary>What the last run stored about an item: validators for conditional GET and the links found on it.</summary>
public sealed record KnownItem(string Key, string? ETag, string? LastModifiedHeader, IReadOnlyList<string> Links);

/// <summary>
/// The whole source cannot be read (start page or feed unreachable, robots.txt forbids everything): the run
/// fails and nothing is removed from the index.
/// </summary>
public sealed class SourceUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

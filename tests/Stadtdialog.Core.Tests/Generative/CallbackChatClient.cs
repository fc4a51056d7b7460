using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Stadtdialog.Core.Tests.Generative;

/// <summary>
/// A scripted <see cref="IChatClient"/>: answers come from callbacks, and every request is recorded (the message
/// list as it arrived, and the options), so tests can assert on what middleware let through to the "model".
/// A client with only one callback serves both kinds of calls (a response is streamed as updates; a stream is
/// collected into a response).
/// </summary>
public sealed class CallbackChatClient : IChatClient
{
    private readonly Func<IList<ChatMessage>, ChatOptions?, CancellationToken, Task<ChatResponse>>? _getResponse;
    private readonly Func<IList<ChatMessage>, ChatOptions?, CancellationToken, IAsyncEnumerable<ChatResponseUpdate>>? _getStreamingResponse;
    private readonly Lock _gate = new();
    private readonly List<IList<ChatMessage>> _received = [];
    private readonly List<ChatOptions?> _receivedOptions = [];

    public CallbackChatClient(
        Func<IList<ChatMessage>, ChatOptions?, CancellationToken, Task<ChatResponse>>? getResponse = null,
        Func<IList<ChatMessage>, ChatOptions?, CancellationToken, IAsyncEnumerable<ChatResponseUpdate>>? getStreamingResponse = null)
    {
        if (getResponse is null && getStreamingResponse is null)
        {
            throw new ArgumentException("Give at least one callback.", nameof(getResponse));
        }

        _getResponse = getResponse;
        _getStreamingResponse = getStreamingResponse;
    }

    /// <summary>A client whose answer is computed from the messages it received (both call kinds).</summary>
    public static CallbackChatClient Answering(Func<IList<ChatMessage>, string> answer) =>
        new((messages, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, answer(messages)))));

    /// <summary>A client that streams the answer in the given pieces.</summary>
    public static CallbackChatClient Streaming(Func<IList<ChatMessage>, IEnumerable<string>> chunks) =>
        new(getStreamingResponse: (messages, _, cancellationToken) => Stream(chunks(messages), cancellationToken));

    /// <summary>Every message list received, in call order (snapshots of the lists).</summary>
    public IReadOnlyList<IList<ChatMessage>> Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>The options of every call, in call order.</summary>
    public IReadOnlyList<ChatOptions?> ReceivedOptions
    {
        get
        {
            lock (_gate)
            {
                return [.. _receivedOptions];
            }
        }
    }

    /// <summary>The messages of the last call.</summary>
    public IList<ChatMessage> LastMessages => Received[^1];

    /// <summary>How many updates the streaming callback produced and were taken by the caller.</summary>
    public int UpdatesTaken { get; private set; }

    /// <summary>Whether the last stream was enumerated to its end (false when the caller stopped early).</summary>
    public bool StreamCompleted { get; private set; }

    public Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var list = Record(messages, options);
        return _getResponse is not null
            ? _getResponse(list, options, cancellationToken)
            : Track(_getStreamingResponse!(list, options, cancellationToken), cancellationToken).ToChatResponseAsync(cancellationToken);
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var list = Record(messages, options);
        IAsyncEnumerable<ChatResponseUpdate> updates;
        if (_getStreamingResponse is not null)
        {
            updates = _getStreamingResponse(list, options, cancellationToken);
        }
        else
        {
            var response = await _getResponse!(list, options, cancellationToken);
            updates = Stream(response.ToChatResponseUpdates(), cancellationToken);
        }

        await foreach (var update in Track(updates, cancellationToken))
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    /// <summary>Text chunks as a stream of assistant updates.</summary>
    public static IAsyncEnumerable<ChatResponseUpdate> Stream(IEnumerable<string> chunks, CancellationToken cancellationToken = default) =>
        Stream(chunks.Select(chunk => new ChatResponseUpdate(ChatRole.Assistant, chunk) { ResponseId = "r1", MessageId = "m1" }), cancellationToken);

    public static async IAsyncEnumerable<ChatResponseUpdate> Stream(
        IEnumerable<ChatResponseUpdate> updates,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var update in updates)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return update;
        }
    }

    /// <summary>Splits <paramref name="text"/> into pieces of <paramref name="size"/> characters.</summary>
    public static IEnumerable<string> Chunks(string text, int size)
    {
        for (var i = 0; i < text.Length; i += size)
        {
            yield return text.Substring(i, Math.Min(size, text.Length - i));
        }
    }

    private List<ChatMessage> Record(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var list = messages.ToList();
        lock (_gate)
        {
            _received.Add(list);
            _receivedOptions.Add(options);
        }

        return list;
    }

    private async IAsyncEnumerable<ChatResponseUpdate> Track(
        IAsyncEnumerable<ChatResponseUpdate> updates,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        StreamCompleted = false;
        UpdatesTaken = 0;
        await foreach (var update in updates.WithCancellation(cancellationToken))
        {
            UpdatesTaken++;
            yield return update;
        }

        StreamCompleted = true;
    }
}

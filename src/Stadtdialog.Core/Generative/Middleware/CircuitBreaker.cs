namespace Stadtdialog.Generative;

/// <summary>State of a <see cref="CircuitBreaker"/>.</summary>
public enum CircuitState
{
    /// <summary>Calls go through; failures are counted.</summary>
    Closed,

    /// <summary>Calls are rejected until <see cref="CircuitBreaker.OpenUntil"/>.</summary>
    Open,

    /// <summary>The break is over: the next call (one at a time) is a trial whose outcome closes or reopens the circuit.</summary>
    HalfOpen,
}

/// <summary>When a <see cref="CircuitBreaker"/> opens and for how long.</summary>
public sealed class CircuitBreakerOptions
{
    /// <summary>Opens after this many failures in a row (0: never for this reason).</summary>
    public int ConsecutiveFailures { get; set; } = 3;

    /// <summary>Opens when at least this share of the calls in <see cref="SamplingDuration"/> failed (0: never for this reason).</summary>
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>The window the <see cref="FailureRatio"/> is computed over.</summary>
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The ratio is only judged once the window holds this many calls.</summary>
    public int MinimumThroughput { get; set; } = 10;

    /// <summary>How long the circuit stays open before a trial call is let through.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ConsecutiveFailures);
        if (double.IsNaN(FailureRatio) || FailureRatio < 0 || FailureRatio > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(FailureRatio), FailureRatio, "The failure ratio lies between 0 and 1.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(SamplingDuration, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MinimumThroughput, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(BreakDuration, TimeSpan.Zero);
    }
}

/// <summary>
/// Keeps calls away from a model server that keeps failing: opens after <see cref="CircuitBreakerOptions.ConsecutiveFailures"/>
/// failures in a row or a <see cref="CircuitBreakerOptions.FailureRatio"/> in the sampling window, rejects calls for
/// <see cref="CircuitBreakerOptions.BreakDuration"/>, then lets one trial call through: its success closes the circuit,
/// its failure opens it again. Thread-safe; one instance per model endpoint.
/// </summary>
/// <remarks>
/// Outcomes of calls that started before the circuit changed state (e.g. a slow call that fails after the circuit
/// opened) are ignored, so a late straggler neither extends a break nor closes the circuit.
/// </remarks>
public sealed class CircuitBreaker
{
    private const int Buckets = 10;

    private readonly CircuitBreakerOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly (long Start, int Calls, int Failures)[] _window = new (long, int, int)[Buckets];
    private readonly long _bucketTicks;
    private CircuitState _state = CircuitState.Closed;
    private DateTimeOffset _openUntil;
    private int _consecutiveFailures;
    private bool _trialInFlight;
    private long _generation;

    public CircuitBreaker(CircuitBreakerOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        options.Validate();
        _options = options;
        _time = time;
        _bucketTicks = Math.Max(1, options.SamplingDuration.Ticks / Buckets);
    }

    /// <summary>The state now (an open circuit whose break is over reads <see cref="CircuitState.HalfOpen"/>).</summary>
    public CircuitState State
    {
        get
        {
            lock (_lock)
            {
                return _state == CircuitState.Open && _time.GetUtcNow() >= _openUntil ? CircuitState.HalfOpen : _state;
            }
        }
    }

    /// <summary>Until when calls are rejected; null unless the circuit is open or half-open.</summary>
    public DateTimeOffset? OpenUntil
    {
        get
        {
            lock (_lock)
            {
                return _state == CircuitState.Closed ? null : _openUntil;
            }
        }
    }

    /// <summary>
    /// Asks to make a call. False when the circuit is open, or half-open with the trial call already in flight;
    /// otherwise the call must report its outcome on the returned permit.
    /// </summary>
    public bool TryAcquire(out CircuitPermit permit)
    {
        lock (_lock)
        {
            if (_state == CircuitState.Open && _time.GetUtcNow() >= _openUntil)
            {
                _state = CircuitState.HalfOpen;
                _generation++;
            }

            switch (_state)
            {
                case CircuitState.Closed:
                    permit = new CircuitPermit(this, _generation, trial: false);
                    return true;
                case CircuitState.HalfOpen when !_trialInFlight:
                    _trialInFlight = true;
                    permit = new CircuitPermit(this, _generation, trial: true);
                    return true;
                default:
                    permit = default;
                    return false;
            }
        }
    }

    internal void Complete(long generation, bool trial, CallOutcome outcome)
    {
        lock (_lock)
        {
            if (generation != _generation)
            {
                return;
            }

            if (trial)
            {
                _trialInFlight = false;
                switch (outcome)
                {
                    case CallOutcome.Success:
                        Close();
                        break;
                    case CallOutcome.Failure:
                        Open();
                        break;
                }

                return;
            }

            if (_state != CircuitState.Closed || outcome == CallOutcome.Neutral)
            {
                return;
            }

            var failed = outcome == CallOutcome.Failure;
            _consecutiveFailures = failed ? _consecutiveFailures + 1 : 0;
            var (calls, failures) = Count(failed);
            if ((_options.ConsecutiveFailures > 0 && _consecutiveFailures >= _options.ConsecutiveFailures)
                || (failed && _options.FailureRatio > 0 && calls >= _options.MinimumThroughput && failures >= _options.FailureRatio * calls))
            {
                Open();
            }
        }
    }

    private void Open()
    {
        _state = CircuitState.Open;
        _openUntil = _time.GetUtcNow() + _options.BreakDuration;
        _generation++;
    }

    private void Close()
    {
        _state = CircuitState.Closed;
        _consecutiveFailures = 0;
        Array.Clear(_window);
        _generation++;
    }

    /// <summary>Adds one outcome to the sampling window and returns the calls and failures in it.</summary>
    private (int Calls, int Failures) Count(bool failed)
    {
        var now = _time.GetUtcNow().UtcTicks;
        var start = now - (now % _bucketTicks);
        var slot = (int)(start / _bucketTicks % Buckets);
        if (_window[slot].Start != start)
        {
            _window[slot] = (start, 0, 0);
        }

        _window[slot].Calls++;
        _window[slot].Failures += failed ? 1 : 0;

        var calls = 0;
        var failures = 0;
        var oldest = start - ((Buckets - 1) * _bucketTicks);
        foreach (var bucket in _window)
        {
            if (bucket.Calls > 0 && bucket.Start >= oldest && bucket.Start <= start)
            {
                calls += bucket.Calls;
                failures += bucket.Failures;
            }
        }

        return (calls, failures);
    }

    internal enum CallOutcome
    {
        Success,
        Failure,

        /// <summary>Says nothing about the server (the caller cancelled, or stopped before anything arrived).</summary>
        Neutral,
    }
}

/// <summary>Permission for one call through a <see cref="CircuitBreaker"/>; report exactly one outcome.</summary>
public readonly struct CircuitPermit : IEquatable<CircuitPermit>
{
    private readonly CircuitBreaker? _breaker;
    private readonly long _generation;

    internal CircuitPermit(CircuitBreaker breaker, long generation, bool trial)
    {
        _breaker = breaker;
        _generation = generation;
        IsTrial = trial;
    }

    /// <summary>Whether this is the one trial call of a half-open circuit.</summary>
    public bool IsTrial { get; }

    /// <summary>The server answered properly.</summary>
    public void Succeeded() => _breaker?.Complete(_generation, IsTrial, CircuitBreaker.CallOutcome.Success);

    /// <summary>The server failed (error, broken or cut-off answer, timeout).</summary>
    public void Failed() => _breaker?.Complete(_generation, IsTrial, CircuitBreaker.CallOutcome.Failure);

    /// <summary>The call ended without telling anything about the server (the caller cancelled); a trial slot is freed.</summary>
    public void Abandoned() => _breaker?.Complete(_generation, IsTrial, CircuitBreaker.CallOutcome.Neutral);

    public bool Equals(CircuitPermit other) =>
        ReferenceEquals(_breaker, other._breaker) && _generation == other._generation && IsTrial == other.IsTrial;

    public override bool Equals(object? obj) => obj is CircuitPermit other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_breaker, _generation, IsTrial);

    public static bool operator ==(CircuitPermit left, CircuitPermit right) => left.Equals(right);

    public static bool operator !=(CircuitPermit left, CircuitPermit right) => !left.Equals(right);
}

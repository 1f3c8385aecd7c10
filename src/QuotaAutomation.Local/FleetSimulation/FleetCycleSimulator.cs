using QuotaAutomation.Core.Fleet;

namespace QuotaAutomation.Local.FleetSimulation;

/// <summary>
/// A discrete-event simulation of one fleet cycle on a virtual clock (nothing sleeps): the plan step, a Distributed
/// Map starting child executions up to <c>MaxConcurrency</c>, each child invoking the shard Lambda with a batch of
/// shards, each shard replaying the AWS calls its executed profile recorded, in order and with their overlaps, against
/// AWS's rate limits (token buckets per account and Region for Service Quotas and CloudWatch, per hub table for
/// DynamoDB, the hub's STS), with latencies and retry backoff drawn from one seeded <see cref="Random"/>; then the
/// summary step. Events at the same instant are taken in the order they were scheduled, so one seed gives one result.
/// </summary>
/// <remarks>
/// One file past 300 lines on purpose: the event loop's handlers share the clock, the queue, the buckets and the
/// counters, and read as one sequence (a child starts, invokes, runs shards, each shard sends, arrives, completes).
/// </remarks>
public sealed class FleetCycleSimulator
{
    private const byte ChildReady = 0, LambdaBegin = 1, Send = 2, Arrive = 3, Complete = 4, ShardEnd = 5;

    /// <summary>The hub table shards pace their calls to (AwsCallMap's name for it).</summary>
    private const string UsageTable = "usage";

    private readonly FleetCycleOptions _o;
    private readonly IReadOnlyList<SimulatedShard> _shards;
    private readonly IReadOnlyList<ShardWork> _work;
    private readonly Random _random;
    private readonly PriorityQueue<Event, (double, long)> _queue = new();
    private readonly Dictionary<(string Kind, string? A, string? B, string? C), TokenBucket> _buckets = [];
    private readonly Dictionary<(string Service, string Operation), Stats> _stats = [];
    private readonly List<Child> _children = [];
    private readonly List<ShardRun?> _runs = []; // a run is let go when it ends
    private readonly Queue<int> _waitingForLambda = new();
    private readonly int[] _runsPerShard;
    private long _sequence;
    private double _now;
    private int _nextChild, _childrenRunning, _childrenDone, _peakChildren;
    private double _lastChildStart = double.NegativeInfinity;
    private int _lambdaActive, _warmIdle, _coldStarts, _lambdaWaits, _lambdaTimeouts, _peakLambda;
    private double _lambdaGbSeconds, _expressGbSeconds, _readUnits, _writeUnits;
    private long _metrics;
    private readonly Dictionary<string, double> _invocationSeconds = new(StringComparer.Ordinal);
    private int _invocations;

    private readonly record struct Event(byte Kind, int A, int B = 0, int C = 0, double D = 0);

    /// <summary>
    /// One call's time from when it could be sent (the end of <see cref="Trigger"/>, or the run's start when -1) to its
    /// end: its poll delay, its pacing at the account's rate and at the usage table, its attempts' round trips and its
    /// retries' backoffs. Following the triggers back from a run's last call gives the run's critical path.
    /// </summary>
    private struct CallTime
    {
        public int Trigger;
        public double Poll, Rate, Table, RoundTrip, Backoff;
    }

    private sealed class Stats(string service, string operation)
    {
        public string Service { get; } = service;
        public string Operation { get; } = operation;
        public long Calls, Attempts, Throttled, Failed;
    }

    private sealed class Child(int first, int count)
    {
        public int First { get; } = first;
        public int Count { get; } = count;
        public int Started, Ended;
        public double ReadyAt, InvokedAt, BegunAt;
        public HashSet<string> Assumed { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>
    /// One shard's run: its work's calls, after an AssumeRole when its child has no credentials for the account yet
    /// (call 0 then, the work's calls shifted by one), what has been sent and what has ended. The work's calls are not
    /// copied: a cycle of 17,000 backfilling shards replays millions of them.
    /// </summary>
    private sealed class ShardRun(int shard, int child, ShardWork work, bool assumes)
    {
        private static readonly ApiCall AssumeRole = new(AwsServices.Sts, "AssumeRole", Hub: true);

        public int Shard { get; } = shard;
        public int Child { get; } = child;
        public int Count { get; } = work.Calls.Count + (assumes ? 1 : 0);
        public bool[] Ended { get; } = new bool[work.Calls.Count + (assumes ? 1 : 0)];
        public int EndedCount;

        /// <summary>Calls not sent yet that may be sent once what they wait for has ended, in index order (<see cref="Follows"/>).</summary>
        public List<int> Sendable { get; } = [.. Enumerable.Range(0, work.Calls.Count + (assumes ? 1 : 0)).Where(i => i == 0 || (!(assumes && i == 0) && work.Calls[assumes ? i - 1 : i].AfterWaitsOnly))];

        /// <summary>The run's spacing of its member-account calls to each service (AccountRateLimit), made at its first call to it.</summary>
        public Dictionary<string, Pacer> AccountPacers { get; } = new(StringComparer.Ordinal);

        /// <summary>Per call, where its time went (<see cref="InvocationTime"/>); the run's start and the call that ended last.</summary>
        public CallTime[] Times { get; } = new CallTime[work.Calls.Count + (assumes ? 1 : 0)];
        public double StartedAt;
        public int LastEnded = -1;

        /// <summary>The run's usage-table buckets (reads, writes), made at its first usage-table call.</summary>
        public TableThroughputBucket? UsageReads, UsageWrites;

        public ApiCall Call(int index) => !assumes ? work.Calls[index].Call : index == 0 ? AssumeRole : work.Calls[index - 1].Call;

        /// <summary>Whether call <paramref name="index"/> becomes sendable when the call before it is sent (not <see cref="RecordedCall.AfterWaitsOnly"/>).</summary>
        public bool Follows(int index) => index < Count && !work.Calls[assumes ? index - 1 : index].AfterWaitsOnly;

        /// <summary>Whether what call <paramref name="index"/> waits for has ended (every work call waits for the AssumeRole).</summary>
        public bool CanSend(int index)
        {
            if (assumes && index == 0) return true;
            var recorded = work.Calls[assumes ? index - 1 : index];
            if (assumes && !Ended[0]) return false;
            foreach (var w in recorded.WaitsFor)
                if (!Ended[assumes ? w + 1 : w]) return false;
            return true;
        }
    }

    public FleetCycleSimulator(IReadOnlyList<SimulatedShard> shards, IReadOnlyList<ShardWork> work, FleetCycleOptions options, int seed)
    {
        ArgumentNullException.ThrowIfNull(shards);
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Problems() is { Count: > 0 } problems) throw new ArgumentException(string.Join("; ", problems), nameof(options));
        _shards = shards;
        _work = work;
        _o = options;
        _random = new Random(seed);
        _runsPerShard = new int[shards.Count];
        for (var first = 0; first < shards.Count; first += options.ItemsPerBatch)
            _children.Add(new Child(first, Math.Min(options.ItemsPerBatch, shards.Count - first)));
    }

    public FleetCycleResult Run(int accounts)
    {
        // Plan: read the organization page by page, write the shards to S3 as JSON lines.
        var listPages = (accounts + _o.AccountsPerListPage - 1) / _o.AccountsPerListPage;
        var plan = Transition();
        for (var p = 0; p < listPages; p++) plan += Hub(AwsServices.Organizations, "ListAccounts");
        plan += Hub(AwsServices.S3, "PutObject") + _shards.Count * _o.ComputePerShardPlanned.TotalSeconds;
        var planLambda = plan;
        plan += Transition() + Hub(AwsServices.S3, "GetObject"); // the Map's ItemReader reads the shard list

        _now = plan;
        var mapStart = _now;
        LaunchChildren();
        while (_queue.TryDequeue(out var e, out var at))
        {
            _now = at.Item1;
            Handle(e);
        }
        var mapEnd = Math.Max(_now, mapStart);

        // ResultWriter writes the manifest and the results; the summary step reads them.
        var summary = Hub(AwsServices.S3, "PutObject") + Hub(AwsServices.S3, "PutObject") + Hub(AwsServices.S3, "PutObject") + Transition();
        var summaryLambda = Hub(AwsServices.S3, "GetObject") + Hub(AwsServices.S3, "GetObject") + _shards.Count * _o.ComputePerShardPlanned.TotalSeconds;
        summary += summaryLambda + Transition();
        _lambdaGbSeconds += Core.Fleet.Costs.BillingUnits.LambdaGbSeconds(TimeSpan.FromSeconds(planLambda), _o.LambdaMemoryMb)
            + Core.Fleet.Costs.BillingUnits.LambdaGbSeconds(TimeSpan.FromSeconds(summaryLambda), _o.LambdaMemoryMb);
        _invocations += 2;
        Spent(InvocationTime.PlanAndSummary, planLambda + summaryLambda);

        var calls = _stats.Values.OrderBy(s => s.Service, StringComparer.Ordinal).ThenBy(s => s.Operation, StringComparer.Ordinal)
            .Select(s => new CallStats(s.Service, s.Operation, s.Calls, s.Attempts, s.Throttled, s.Failed)).ToList();
        long Count(string service, string op) => _stats.TryGetValue((service, op), out var s) ? s.Calls : 0;
        // The parent's transitions: start → plan → map → summary → end, and one per child execution the map starts.
        var transitions = 4L + _children.Count;
        return new FleetCycleResult(
            TimeSpan.FromSeconds(mapEnd + summary), TimeSpan.FromSeconds(plan), TimeSpan.FromSeconds(mapEnd - mapStart), TimeSpan.FromSeconds(summary),
            _children.Count, calls, _runsPerShard, _children.Count + 2, _coldStarts, _lambdaWaits, _lambdaTimeouts, _peakLambda, _peakChildren,
            _lambdaGbSeconds, _expressGbSeconds, transitions, _readUnits, _writeUnits, _metrics,
            Count(AwsServices.S3, "PutObject"), Count(AwsServices.S3, "GetObject"))
        {
            InvocationTime = new InvocationTime(_invocations, new Dictionary<string, double>(_invocationSeconds, StringComparer.Ordinal)),
        };
    }

    private void Spent(string cause, double seconds)
    {
        if (seconds > 0) _invocationSeconds[cause] = _invocationSeconds.GetValueOrDefault(cause) + seconds;
    }

    /// <summary>A call outside the map (plan, summary): counted, its latency returned; no limits.</summary>
    private double Hub(string service, string operation)
    {
        var stats = StatsOf(service, operation);
        stats.Calls++;
        stats.Attempts++;
        return _o.Latencies[service].SampleMs(_random) / 1000;
    }

    private double Transition() => _o.StateTransition.SampleMs(_random) / 1000;

    private void Schedule(double at, Event e) => _queue.Enqueue(e, (at, _sequence++));

    private void LaunchChildren()
    {
        while (_childrenRunning < _o.MaxConcurrency && _nextChild < _children.Count)
        {
            var start = Math.Max(_now, _lastChildStart + 1 / _o.ChildStartsPerSecond);
            _lastChildStart = start;
            var child = _children[_nextChild];
            child.ReadyAt = start;
            _childrenRunning++;
            _peakChildren = Math.Max(_peakChildren, _childrenRunning);
            Schedule(start + _o.ChildStartOverhead.SampleMs(_random) / 1000, new Event(ChildReady, _nextChild));
            _nextChild++;
        }
    }

    private void Handle(Event e)
    {
        switch (e.Kind)
        {
            case ChildReady: Invoke(e.A); break;
            case LambdaBegin:
                _children[e.A].BegunAt = _now;
                for (var i = 0; i < _o.ShardsAtOnce; i++) StartShard(e.A);
                break;
            case Send: SendCall(e.A, e.B, e.C); break;
            case Arrive: ArriveCall(e.A, e.B, e.C, e.D); break;
            case Complete: CompleteCall(e.A, e.B, succeeded: e.C == 1); break;
            case ShardEnd: EndShard(e.A); break;
            default: throw new InvalidOperationException($"unknown event {e.Kind}");
        }
    }

    /// <summary>The child's task invokes the shard Lambda: a warm environment if one is idle, a cold one if concurrency allows, else it waits (Lambda throttles; the state machine's Retry invokes again).</summary>
    private void Invoke(int childIndex)
    {
        if (_lambdaActive >= _o.LambdaConcurrency)
        {
            _lambdaWaits++;
            _waitingForLambda.Enqueue(childIndex);
            return;
        }
        _lambdaActive++;
        _peakLambda = Math.Max(_peakLambda, _lambdaActive);
        var child = _children[childIndex];
        child.InvokedAt = _now;
        var begin = _now;
        if (_warmIdle > 0) _warmIdle--;
        else
        {
            _coldStarts++;
            begin += _o.ColdStart.TotalSeconds;
        }
        Schedule(begin, new Event(LambdaBegin, childIndex));
    }

    private void StartShard(int childIndex)
    {
        var child = _children[childIndex];
        if (child.Started >= child.Count) return;
        var shardIndex = child.First + child.Started++;
        var shard = _shards[shardIndex];
        var run = new ShardRun(shardIndex, childIndex, _work[shard.Profile], child.Assumed.Add(shard.AccountId));
        run.StartedAt = _now;
        _runs.Add(run);
        var runIndex = _runs.Count - 1;
        if (run.Count == 0) Schedule(_now + Compute(shard), new Event(ShardEnd, runIndex));
        else SendReady(runIndex, trigger: -1);
    }

    private double Compute(SimulatedShard shard) => _work[shard.Profile].Rules * _o.ComputePerRule.TotalSeconds;

    /// <summary>
    /// Sends every call whose turn has come: the one before it was sent (unless it waits only for its waits) and what it
    /// waits for has ended (the last of which was <paramref name="trigger"/>).
    /// </summary>
    private void SendReady(int runIndex, int trigger)
    {
        var run = _runs[runIndex]!;
        for (var k = 0; k < run.Sendable.Count;)
        {
            var index = run.Sendable[k];
            if (!run.CanSend(index))
            {
                k++;
                continue;
            }
            run.Sendable.RemoveAt(k);
            if (run.Follows(index + 1)) run.Sendable.Insert(k, index + 1); // still in index order: the next pending one is later than index + 1
            StatsOf(run.Call(index)).Calls++;
            run.Times[index].Trigger = trigger;
            SendCall(runIndex, index, 0);
        }
    }

    private void SendCall(int runIndex, int callIndex, int attempt)
    {
        var run = _runs[runIndex]!;
        var call = run.Call(callIndex);
        var shard = _shards[run.Shard];
        ref var time = ref run.Times[callIndex];
        var at = attempt == 0 ? _now + call.WaitFirst.TotalSeconds : _now;
        if (attempt == 0) time.Poll = call.WaitFirst.TotalSeconds;
        if (!call.Hub && _o.PaceToRateShare && MemberRate(call) is not null)
        {
            // The shard's clients share one AccountRateLimit: one spacing per service for every member-account call (and retry), whatever its operation.
            if (!run.AccountPacers.TryGetValue(call.Service, out var pacer))
                run.AccountPacers[call.Service] = pacer = new Pacer(_o.AccountRate * Math.Clamp(shard.RateShare, 1e-6, 1));
            var paced = pacer.Reserve(at);
            time.Rate += paced - at;
            at = paced;
        }
        if (attempt == 0 && _o.PaceUsageTable && call is { Service: AwsServices.DynamoDb, Table: UsageTable })
        {
            // The shard's DynamoDB adapter paces each usage-table call once, before the SDK's retries (UsageTablePacing):
            // a write takes its units before it is sent; a Query's are known from its reply in the adapter and taken here
            // at its send (the next call waits the same, a round trip apart).
            var unitsPerSecond = _o.UsageTableUnits * Math.Clamp(shard.TableShare, 1e-9, 1);
            var bucket = call.WriteUnits > 0 ? run.UsageWrites ??= new TableThroughputBucket(unitsPerSecond) : run.UsageReads ??= new TableThroughputBucket(unitsPerSecond);
            var wait = bucket.Take(TimeSpan.FromSeconds(at), call.WriteUnits > 0 ? call.WriteUnits : call.ReadUnits).TotalSeconds;
            time.Table = wait;
            at += wait;
        }
        var latency = _o.Latencies.GetValueOrDefault(call.Service, _o.Latencies[AwsServices.Unmapped]).SampleMs(_random) / 1000;
        if (!call.Hub && shard.Region != _o.HubRegion) latency += _o.CrossRegion.SampleMs(_random) / 1000;
        time.RoundTrip += latency;
        StatsOf(call).Attempts++;
        Schedule(at + latency / 2, new Event(Arrive, runIndex, callIndex, attempt, latency / 2));
    }

    private void ArriveCall(int runIndex, int callIndex, int attempt, double back)
    {
        var run = _runs[runIndex]!;
        var call = run.Call(callIndex);
        if (Admit(call, _shards[run.Shard]))
        {
            Schedule(_now + back, new Event(Complete, runIndex, callIndex, 1));
            return;
        }
        var stats = StatsOf(call);
        stats.Throttled++;
        var dynamo = call.Service == AwsServices.DynamoDb;
        if (attempt < (dynamo ? _o.DynamoMaxRetries : _o.MaxRetries))
        {
            // DynamoDB: the SDK's standard retry policy (full jitter, 1 s doubling, at most 20 s). The rest: the thin
            // clients' Polly pipeline, base × 2^attempt, jittered ±50 %.
            var backoff = dynamo
                ? DynamoRetries.Backoff(attempt + 1, _random.NextDouble()).TotalSeconds
                : _o.BaseDelay.TotalSeconds * Math.Pow(2, attempt) * (0.5 + _random.NextDouble());
            run.Times[callIndex].Backoff += backoff;
            Schedule(_now + back + backoff, new Event(Send, runIndex, callIndex, attempt + 1));
            return;
        }
        stats.Failed++;
        Schedule(_now + back, new Event(Complete, runIndex, callIndex, 0));
    }

    /// <summary>AWS's side: the bucket the call draws on, if any, has room for it.</summary>
    private bool Admit(ApiCall call, SimulatedShard shard)
    {
        // Keyed by a tuple, not a formatted string: a backfilling cycle makes hundreds of millions of attempts.
        (string Kind, string? A, string? B, string? C) key;
        Rate? rate;
        var tokens = 1.0;
        switch (call.Service)
        {
            case AwsServices.ServiceQuotas: (key, rate) = (("sq", shard.AccountId, shard.Region, call.Operation), MemberRate(call)); break;
            case AwsServices.CloudWatch: (key, rate) = (("cw", shard.AccountId, shard.Region, null), _o.GetMetricDataRate); break;
            case AwsServices.Sts: (key, rate) = (("sts", null, null, null), _o.AssumeRoleRate); break;
            case AwsServices.DynamoDb when call.WriteUnits > 0: (key, rate, tokens) = (("ddb-w", call.Table, null, null), _o.DynamoDbWriteUnits, call.WriteUnits); break;
            case AwsServices.DynamoDb: (key, rate, tokens) = (("ddb-r", call.Table, null, null), _o.DynamoDbReadUnits, call.ReadUnits); break;
            default: return true;
        }
        if (rate is null) return true;
        if (!_buckets.TryGetValue(key, out var bucket)) _buckets[key] = bucket = new TokenBucket(rate);
        return bucket.TryTake(_now, tokens);
    }

    private Rate? MemberRate(ApiCall call) => call.Service switch
    {
        AwsServices.ServiceQuotas => _o.ServiceQuotasRates.GetValueOrDefault(call.Operation, _o.OtherServiceQuotasRate),
        AwsServices.CloudWatch => _o.GetMetricDataRate,
        _ => null,
    };

    private void CompleteCall(int runIndex, int callIndex, bool succeeded)
    {
        var run = _runs[runIndex]!;
        var call = run.Call(callIndex);
        if (succeeded)
        {
            _readUnits += call.ReadUnits;
            _writeUnits += call.WriteUnits;
            _metrics += call.Metrics;
        }
        run.Ended[callIndex] = true;
        run.EndedCount++;
        if (run.EndedCount == run.Count)
        {
            run.LastEnded = callIndex;
            Schedule(_now + Compute(_shards[run.Shard]), new Event(ShardEnd, runIndex));
        }
        else SendReady(runIndex, callIndex);
    }

    private void EndShard(int runIndex)
    {
        var run = _runs[runIndex]!;
        _runs[runIndex] = null;
        _runsPerShard[run.Shard]++;
        var child = _children[run.Child];
        child.Ended++;
        if (child.Started < child.Count)
        {
            StartShard(run.Child);
            return;
        }
        if (child.Ended < child.Count) return;

        CriticalPath(child, run);
        var duration = TimeSpan.FromSeconds(_now - child.InvokedAt);
        _lambdaGbSeconds += Core.Fleet.Costs.BillingUnits.LambdaGbSeconds(duration, _o.LambdaMemoryMb);
        if (duration > _o.LambdaTimeout) _lambdaTimeouts++;
        _expressGbSeconds += Core.Fleet.Costs.BillingUnits.ExpressGbSeconds(TimeSpan.FromSeconds(_now - child.ReadyAt), _o.ExpressMemoryMb);
        _lambdaActive--;
        _warmIdle++;
        _childrenRunning--;
        _childrenDone++;
        if (_waitingForLambda.TryDequeue(out var waiting)) Invoke(waiting);
        LaunchChildren();
    }

    /// <summary>
    /// An invocation's time by cause, along its critical path: its cold start, the wait of its last-ending shard for a
    /// slot, that shard's calls from its last back to its start (each from what let it be sent to its end), its compute.
    /// </summary>
    private void CriticalPath(Child child, ShardRun last)
    {
        _invocations++;
        Spent(InvocationTime.ColdStart, child.BegunAt - child.InvokedAt);
        Spent(InvocationTime.Slot, last.StartedAt - child.BegunAt);
        for (var i = last.LastEnded; i >= 0; i = last.Times[i].Trigger)
        {
            var t = last.Times[i];
            Spent(InvocationTime.ReportPollDelay, t.Poll);
            Spent(InvocationTime.RatePacing, t.Rate);
            Spent(InvocationTime.TablePacing, t.Table);
            Spent(InvocationTime.Backoff, t.Backoff);
            Spent(InvocationTime.RoundTripOf(last.Call(i)), t.RoundTrip);
        }
        Spent(InvocationTime.Compute, Compute(_shards[last.Shard]));
    }

    private Stats StatsOf(ApiCall call) => StatsOf(call.Service, call.Operation);

    private Stats StatsOf(string service, string operation)
    {
        if (!_stats.TryGetValue((service, operation), out var stats)) _stats[(service, operation)] = stats = new Stats(service, operation);
        return stats;
    }
}

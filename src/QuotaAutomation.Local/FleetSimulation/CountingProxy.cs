using System.Reflection;

namespace QuotaAutomation.Local.FleetSimulation;

/// <summary>
/// Stands in front of one engine port and records, for every call the engine makes through it, the AWS calls the AWS
/// adapter of that port would make (<see cref="AwsCallMap"/>). A proxy rather than a hand-written decorator per port,
/// so a method added to a port later is still counted (as <see cref="AwsServices.Unmapped"/> until the map knows it).
/// </summary>
public static class CountingProxy
{
    /// <summary>The port <paramref name="target"/>, counted into <paramref name="log"/>.</summary>
    public static T Wrap<T>(T target, ShardCallLog log, AwsCallMap map) where T : class
    {
        var proxy = DispatchProxy.Create<T, CountingProxy<T>>();
        ((CountingProxy<T>)(object)proxy).Bind(target, log, map);
        return proxy;
    }
}

/// <summary>The proxy behind <see cref="CountingProxy.Wrap{T}"/> (DispatchProxy needs a public, unsealed class).</summary>
public class CountingProxy<T> : DispatchProxy where T : class
{
    private T _target = null!; // set by Bind before the proxy is handed out
    private ShardCallLog _log = null!;
    private AwsCallMap _map = null!;

    internal void Bind(T target, ShardCallLog log, AwsCallMap map)
    {
        _target = target;
        _log = log;
        _map = map;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        var slot = _log.Begin();
        object? result;
        try
        {
            result = targetMethod.Invoke(_target, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            _log.End(slot, _map.For(typeof(T), targetMethod.Name, args ?? [], null));
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw; // not reached
        }
        if (result is Task task)
        {
            task.ContinueWith(done =>
            {
                var value = done.Status == TaskStatus.RanToCompletion && done.GetType().IsGenericType
                    ? done.GetType().GetProperty("Result")?.GetValue(done)
                    : null;
                _log.End(slot, _map.For(typeof(T), targetMethod.Name, args ?? [], value));
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return result;
        }
        _log.End(slot, _map.For(typeof(T), targetMethod.Name, args ?? [], result));
        return result;
    }
}

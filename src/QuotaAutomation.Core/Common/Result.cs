namespace QuotaAutomation.Core.Common;

/// <summary>An expected outcome that may fail with a message for a person (cf. NodaTime's ParseResult).</summary>
public sealed class Result<T>
{
    private readonly T? _value;

    internal Result(T? value, string? error)
    {
        _value = value;
        Error = error;
    }

    /// <summary>Null on success; otherwise the whole message, naming what was wrong.</summary>
    public string? Error { get; }

    public bool Success => Error is null;

    public T Value => Success ? _value! : throw new InvalidOperationException(Error); // _value is set whenever Error is null
}

public static class Result
{
    public static Result<T> Ok<T>(T value) => new(value, null);

    public static Result<T> Fail<T>(string error) => new(default, error);
}

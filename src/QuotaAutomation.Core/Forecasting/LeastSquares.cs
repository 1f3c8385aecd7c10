namespace QuotaAutomation.Core.Forecasting;

/// <summary>A least-squares line through evenly spaced values (x = 0, 1, 2, …).</summary>
public static class LeastSquares
{
    /// <returns>The line's value at the last point and its slope per step; (the value, 0) for fewer than two points.</returns>
    public static (double Last, double Slope) Line(IReadOnlyList<double> values, int from, int count)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (count < 2) return (values[from + count - 1], 0);
        var meanX = (count - 1) / 2.0;
        double meanY = 0;
        for (var k = 0; k < count; k++) meanY += values[from + k];
        meanY /= count;
        double sxy = 0, sxx = 0;
        for (var k = 0; k < count; k++)
        {
            sxy += (k - meanX) * (values[from + k] - meanY);
            sxx += (k - meanX) * (k - meanX);
        }
        var slope = sxy / sxx;
        return (meanY + slope * (count - 1 - meanX), slope);
    }
}

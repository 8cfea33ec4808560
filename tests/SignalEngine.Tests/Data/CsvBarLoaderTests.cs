using SignalEngine.Data;
using SignalEngine.Tests.Support;

namespace SignalEngine.Tests.Data;

public sealed class CsvBarLoaderTests
{
    private static BarLoadResult Load(string csv) => CsvBarLoader.Load(new StringReader(csv), "bars.csv");

    private static BarDataException Error(string csv) =>
        FluentActions.Invoking(() => Load(csv)).Should().Throw<BarDataException>().Which;

    [Fact]
    public void Loads_the_shipped_ohlcv_file()
    {
        var result = CsvBarLoader.Load(RepositoryPaths.Data("ttrc.csv"));

        result.Warnings.Should().BeEmpty();
        var series = result.Series.Should().ContainSingle().Which;
        series.Instrument.Should().Be("ttrc");
        series.Count.Should().Be(5550);
        series.Open.Should().NotBeNull();
        series.High.Should().NotBeNull();
        series.Low.Should().NotBeNull();
        series.Volume.Should().NotBeNull();
        series.Timestamps[0].Should().Be(new DateTimeOffset(1985, 1, 2, 0, 0, 0, TimeSpan.Zero));
        series.Close[0].Should().Be(3.08);
    }

    [Fact]
    public void Loads_the_shipped_long_format_file_as_one_series_per_instrument()
    {
        var result = CsvBarLoader.Load(RepositoryPaths.Data("eustockmarkets.csv"));

        result.Series.Select(s => s.Instrument).Should().Equal("DAX", "SMI", "CAC", "FTSE");
        result.Series.Should().OnlyContain(s => s.Count == 1860 && s.Volume == null && s.High == null);
    }

    [Fact]
    public void Reads_any_case_other_delimiters_date_and_time_columns_and_extras()
    {
        var result = Load("DATE;time;close;Sentiment;Name\n2024-01-02;09:30;100.5;0.2;x\n2024-01-02;09:31;101;-0.1;y\n");

        var series = result.Series.Single();
        series.Timestamps.Should().Equal(
            new DateTimeOffset(2024, 1, 2, 9, 30, 0, TimeSpan.Zero), new DateTimeOffset(2024, 1, 2, 9, 31, 0, TimeSpan.Zero));
        series.Close.Should().Equal(100.5, 101);
        series.Extras.Should().ContainSingle().Which.Should().BeEquivalentTo(new NamedColumn("Sentiment", [0.2, -0.1]));
        result.Warnings.Should().ContainSingle().Which.Should().Contain("'Name' is not numeric");
    }

    [Fact]
    public void Reads_unix_epoch_timestamps_and_quoted_fields()
    {
        var series = Load("timestamp,close,\"note, quoted\"\n1700000000,\"1,5\",1\n1700000060,2,2\n".Replace("\"1,5\"", "1.5")).Series.Single();

        series.Timestamps[1].Should().Be(DateTimeOffset.FromUnixTimeSeconds(1700000060));
        series.Extras.Single().Name.Should().Be("note, quoted");
    }

    [Theory]
    [InlineData("Date,Close\n2024-01-02,1\nnot-a-date,2\n", 3, "Date", "not a timestamp")]
    [InlineData("Date,Close\n2024-01-02,1\n2024-01-03,abc\n", 3, "Close", "'abc' is not a number")]
    [InlineData("Date,Close\n2024-01-02,1\n2024-01-03,Infinity\n", 3, "Close", "not a finite number")]
    [InlineData("Date,Close\n2024-01-02,1\n2024-01-03,\n", 3, "Close", "missing value")]
    [InlineData("Date,Close\n2024-01-02,1\n2024-01-03,0\n", 3, "Close", "not positive")]
    [InlineData("Date,Close,Volume\n2024-01-02,1,5\n2024-01-03,1,-5\n", 3, "Volume", "negative")]
    [InlineData("Date,Close\n2024-01-02,1\n2024-01-03,1\n2024-01-03,2\n", 4, "Date", "repeats line 3")]
    [InlineData("Date,Close\n2024-01-02,1\n2024-01-04,1\n2024-01-03,2\n", 4, "Date", "goes back in time from line 3")]
    public void Bad_values_name_the_file_line_and_column(string csv, int line, string column, string problem)
    {
        var error = Error(csv);

        error.File.Should().Be("bars.csv");
        error.Line.Should().Be(line);
        error.Column.Should().Be(column);
        error.Message.Should().Contain(problem).And.StartWith($"bars.csv:{line}, column '{column}'");
    }

    [Theory]
    [InlineData("Date,Close\n2024-01-02,1\n2024-01-03,1,7\n", 3, "3 fields where the header has 2")]
    [InlineData("Date,Open\n2024-01-02,1\n", 1, "no Close column")]
    [InlineData("Day,Close\n2024-01-02,1\n", 1, "no timestamp column")]
    [InlineData("Date,Close\n", 1, "no data rows")]
    [InlineData("", 1, "the file is empty")]
    public void Bad_shape_names_the_file_and_line(string csv, int line, string problem)
    {
        var error = Error(csv);

        error.Line.Should().Be(line);
        error.Message.Should().Contain(problem);
    }

    [Fact]
    public void Order_is_checked_per_instrument_in_long_format()
    {
        var result = Load("Date,Symbol,Close\n2024-01-02,A,1\n2024-01-02,B,1\n2024-01-03,A,2\n2024-01-03,B,2\n");
        result.Series.Should().HaveCount(2);

        var error = Error("Date,Symbol,Close\n2024-01-02,A,1\n2024-01-03,B,1\n2024-01-02,B,2\n2024-01-03,A,2\n2024-01-04,A,3\n");
        error.Line.Should().Be(4);
        error.Message.Should().Contain("for instrument B");
    }

    [Fact]
    public void Repair_newest_first_rows_are_reversed_with_a_warning()
    {
        var result = Load("Date,Close\n2024-01-04,3\n2024-01-03,2\n2024-01-02,1\n");

        result.Series.Single().Close.Should().Equal(1, 2, 3);
        result.Warnings.Should().ContainSingle().Which.Should().Contain("newest-first");
    }

    [Fact]
    public void Repair_an_optional_column_with_missing_values_is_dropped_with_a_warning()
    {
        var result = Load("Date,Close,Volume,High,Low\n2024-01-02,1,NA,2,1\n2024-01-03,2,10,3,\n");

        var series = result.Series.Single();
        series.Volume.Should().BeNull();
        series.High.Should().BeNull("a low column with gaps drops the high column too: ATR needs both");
        series.Low.Should().BeNull();
        result.Warnings.Should().HaveCount(2);
        result.Warnings.Should().Contain(w => w.Contains("bars.csv:2") && w.Contains("'Volume'"));
    }
}

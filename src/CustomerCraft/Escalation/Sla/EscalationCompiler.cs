using System.Globalization;
using CustomerCraft.Empowerment;

namespace CustomerCraft.Escalation.Sla;

/// <summary>Validates <see cref="EscalationOptions"/> against the empowerment roles and compiles them; every error names its configuration path.</summary>
internal static class EscalationCompiler
{
    /// <summary>The most levels a ladder may have.</summary>
    public const int MaxLevels = 16;

    /// <summary>The most warning fractions.</summary>
    public const int MaxWarningFractions = 10;

    /// <summary>The longest target or approval timeout: ten years (longer ones overflow date arithmetic and mean "no target").</summary>
    public static readonly TimeSpan MaxTarget = TimeSpan.FromDays(3_650);

    public static EscalationPolicy? Compile(EscalationOptions options, string path, IReadOnlyDictionary<string, RoleOptions>? roles, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(options);
        int errorsBefore = errors.Count;

        if (!Enum.IsDefined(options.Clock))
        {
            errors.Add($"{path}:Clock: '{options.Clock}' is not a clock (use Calendar or BusinessHours).");
        }

        double[] fractions = CompileFractions(options.WarningFractions, path, errors);
        bool needsCalendar = options.Clock == SlaClock.BusinessHours;
        var levels = new List<LevelEntry>();
        var seen = new Dictionary<int, string>();
        foreach ((string key, EscalationLevelOptions? level) in options.Levels ?? [])
        {
            string levelPath = $"{path}:Levels:{key}";
            if (level is null)
            {
                errors.Add($"{levelPath}: the level has no settings (Level and Role are required).");
                continue;
            }

            needsCalendar |= level.Clock == SlaClock.BusinessHours;
            if (CompileLevel(key, level, levelPath, options.Clock, roles, errors) is { } entry)
            {
                if (seen.TryGetValue(entry.Number, out string? other))
                {
                    errors.Add($"{levelPath}:Level: {entry.Number} is also the number of level '{other}'; each level needs its own number.");
                    continue;
                }

                seen.Add(entry.Number, key);
                levels.Add(entry);
            }
        }

        levels.Sort((a, b) => a.Number.CompareTo(b.Number));
        if (options.Levels?.Count > MaxLevels)
        {
            errors.Add($"{path}:Levels: {options.Levels.Count} levels; at most {MaxLevels} are supported.");
        }

        // The ladder's shape is judged only when every level compiled: a level dropped for a bad
        // role or target would otherwise also be reported as a gap.
        bool allLevelsCompiled = errors.Count == errorsBefore;
        for (int i = 0; allLevelsCompiled && i < levels.Count; i++)
        {
            if (levels[i].Number != i)
            {
                errors.Add($"{levels[i].Path}:Level: {levels[i].Number} leaves a gap: levels are numbered 0 (the front line), 1, 2, ... and level {i} is missing.");
                break;
            }

            if (i > 0 && levels[i].Rank <= levels[i - 1].Rank)
            {
                errors.Add($"{levels[i].Path}:Role: '{levels[i].Role}' (rank {levels[i].Rank}) must rank above '{levels[i - 1].Role}' (rank {levels[i - 1].Rank}) of the level below ('{levels[i - 1].Name}'): each level goes up the ladder.");
            }
        }

        BusinessCalendar? calendar = CompileCalendar(options.Calendar ?? new(), $"{path}:Calendar", needsCalendar, errors);
        if (errors.Count > errorsBefore)
        {
            return null;
        }

        return new EscalationPolicy { Levels = [.. levels], WarningFractions = fractions, Calendar = calendar };
    }

    private static LevelEntry? CompileLevel(string key, EscalationLevelOptions level, string levelPath, SlaClock defaultClock, IReadOnlyDictionary<string, RoleOptions>? roles, List<string> errors)
    {
        int before = errors.Count;
        if (level.Level is not { } number)
        {
            errors.Add($"{levelPath}:Level: required (0 for the front line, then 1, 2, ...).");
            number = -1;
        }
        else if (number < 0)
        {
            errors.Add($"{levelPath}:Level: {number} is negative; levels are numbered from 0 (the front line).");
        }

        string roleName = level.Role ?? string.Empty;
        int rank = 0;
        if (string.IsNullOrWhiteSpace(level.Role))
        {
            errors.Add($"{levelPath}:Role: required (a key of Empowerment:Roles).");
        }
        else if (roles is null || !roles.TryGetValue(level.Role, out RoleOptions? role) || role is null)
        {
            errors.Add($"{levelPath}:Role: '{level.Role}' is not a role in Empowerment:Roles.");
        }
        else if (role.IsBot)
        {
            errors.Add($"{levelPath}:Role: '{level.Role}' is a bot role; cases escalate to people.");
        }
        else
        {
            roleName = roles.Keys.First(k => string.Equals(k, level.Role, StringComparison.OrdinalIgnoreCase));
            rank = role.Rank ?? 0;
        }

        var targets = new SlaTargets[Enum.GetValues<CasePriority>().Length];
        foreach ((string priorityKey, SlaTargetOptions? target) in level.Targets ?? [])
        {
            string targetPath = $"{levelPath}:Targets:{priorityKey}";
            if (!Enum.TryParse(priorityKey, ignoreCase: true, out CasePriority priority) || !Enum.IsDefined(priority) || int.TryParse(priorityKey, out _))
            {
                errors.Add($"{targetPath}: '{priorityKey}' is not a priority (use {string.Join(", ", Enum.GetNames<CasePriority>())}).");
                continue;
            }

            if (target is null)
            {
                continue;
            }

            CheckPositive(target.Response, $"{targetPath}:Response", errors);
            CheckPositive(target.Resolution, $"{targetPath}:Resolution", errors);
            targets[(int)priority] = new SlaTargets(target.Response, target.Resolution);
        }

        CheckPositive(level.ApprovalTimeout, $"{levelPath}:ApprovalTimeout", errors);
        if (!Enum.IsDefined(level.OnBreach))
        {
            errors.Add($"{levelPath}:OnBreach: '{level.OnBreach}' is not an action (use {string.Join(", ", Enum.GetNames<SlaBreachAction>())}).");
        }

        if (!Enum.IsDefined(level.OnApprovalTimeout))
        {
            errors.Add($"{levelPath}:OnApprovalTimeout: '{level.OnApprovalTimeout}' is not an action (use {string.Join(", ", Enum.GetNames<SlaBreachAction>())}).");
        }

        if (level.Clock is { } clock && !Enum.IsDefined(clock))
        {
            errors.Add($"{levelPath}:Clock: '{clock}' is not a clock (use Calendar or BusinessHours).");
        }

        return errors.Count > before
            ? null
            : new LevelEntry(number, key, level.DisplayName ?? key, roleName, rank, targets, level.OnBreach, level.ApprovalTimeout, level.OnApprovalTimeout, level.Clock ?? defaultClock, levelPath);
    }

    private static void CheckPositive(TimeSpan? value, string valuePath, List<string> errors)
    {
        if (value is { } span && span <= TimeSpan.Zero)
        {
            errors.Add($"{valuePath}: {span} must be positive.");
        }
        else if (value > MaxTarget)
        {
            errors.Add($"{valuePath}: {value} is longer than the maximum of {MaxTarget.TotalDays.ToString(CultureInfo.InvariantCulture)} days; leave the target out for no target.");
        }
    }

    private static double[] CompileFractions(List<double>? configured, string path, List<string> errors)
    {
        if (configured is null)
        {
            return EscalationPolicy.DefaultWarningFractions;
        }

        var fractions = new List<double>(configured.Count);
        for (int i = 0; i < configured.Count; i++)
        {
            double fraction = configured[i];
            if (double.IsNaN(fraction) || fraction <= 0 || fraction >= 1)
            {
                errors.Add($"{path}:WarningFractions:{i}: {fraction.ToString(CultureInfo.InvariantCulture)} must be strictly between 0 and 1 (0.5 warns at half the target).");
            }
            else if (!fractions.Contains(fraction))
            {
                fractions.Add(fraction);
            }
        }

        fractions.Sort();
        if (fractions.Count > MaxWarningFractions)
        {
            errors.Add($"{path}:WarningFractions: {fractions.Count} fractions; at most {MaxWarningFractions} are supported.");
        }

        return [.. fractions];
    }

    private static BusinessCalendar? CompileCalendar(BusinessCalendarOptions options, string path, bool required, List<string> errors)
    {
        int before = errors.Count;
        TimeZoneInfo zone = TimeZoneInfo.Utc;
        if (string.IsNullOrWhiteSpace(options.TimeZone) || !TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZone, out TimeZoneInfo? found))
        {
            errors.Add($"{path}:TimeZone: '{options.TimeZone}' is not a known time zone id (use an IANA id such as 'America/New_York' or 'UTC').");
        }
        else
        {
            zone = found;
        }

        var hours = new Dictionary<DayOfWeek, IReadOnlyList<(TimeSpan Start, TimeSpan End)>>();
        foreach ((string day, string? value) in options.Hours ?? [])
        {
            string dayPath = $"{path}:Hours:{day}";
            if (!Enum.TryParse(day, ignoreCase: true, out DayOfWeek dayOfWeek) || int.TryParse(day, out _))
            {
                errors.Add($"{dayPath}: '{day}' is not a day of the week (use Monday ... Sunday).");
                continue;
            }

            if (ParseRanges(value, dayPath, errors) is { } ranges)
            {
                hours[dayOfWeek] = ranges;
            }
        }

        var holidays = new List<DateOnly>();
        foreach ((string name, string? value) in options.Holidays ?? [])
        {
            if (DateOnly.TryParseExact(value?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly date))
            {
                holidays.Add(date);
            }
            else
            {
                errors.Add($"{path}:Holidays:{name}: '{value}' is not a date (use yyyy-MM-dd, such as 2026-12-25).");
            }
        }

        if (required && errors.Count == before && hours.Values.All(r => r.Count == 0))
        {
            errors.Add($"{path}:Hours: business hours are counted but no day has opening hours (add e.g. \"Monday\": \"09:00-17:00\").");
        }

        return errors.Count > before || !required ? null : new BusinessCalendar(zone, hours, holidays);
    }

    private static List<(TimeSpan Start, TimeSpan End)>? ParseRanges(string? value, string dayPath, List<string> errors)
    {
        var ranges = new List<(TimeSpan Start, TimeSpan End)>();
        string text = value?.Trim() ?? string.Empty;
        if (text.Length == 0 || text.Equals("closed", StringComparison.OrdinalIgnoreCase))
        {
            return ranges;
        }

        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            string[] bounds = part.Split('-', StringSplitOptions.TrimEntries);
            if (bounds.Length != 2 || ParseTime(bounds[0]) is not { } start || ParseTime(bounds[1]) is not { } end || start >= end || start >= TimeSpan.FromHours(24))
            {
                errors.Add($"{dayPath}: '{part}' is not an opening range (use HH:mm-HH:mm with the start before the end, such as 09:00-17:00; 24:00 ends at midnight).");
                return null;
            }

            ranges.Add((start, end));
        }

        ranges.Sort((a, b) => a.Start.CompareTo(b.Start));
        for (int i = 1; i < ranges.Count; i++)
        {
            if (ranges[i].Start < ranges[i - 1].End)
            {
                errors.Add($"{dayPath}: '{text}' has overlapping ranges.");
                return null;
            }
        }

        return ranges;
    }

    private static TimeSpan? ParseTime(string text)
    {
        if (text == "24:00")
        {
            return TimeSpan.FromHours(24);
        }

        return TimeOnly.TryParseExact(text, ["HH:mm", "H:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out TimeOnly time) ? time.ToTimeSpan() : null;
    }
}

using System.Diagnostics;
using System.Reflection;
using System.Text;
using CustomerCraft.Empowerment;
using CustomerCraft.Escalation;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CustomerCraft.AspNetCore;

/// <summary>
/// Writes CustomerCraft's errors as RFC 7807 problem details. Each response carries a
/// machine-readable <c>code</c> extension (see <see cref="ProblemCodes"/>); other exceptions are
/// left to the host's next handler.
/// </summary>
internal sealed partial class CustomerCraftExceptionHandler(IProblemDetailsService problemDetails, ILogger<CustomerCraftExceptionHandler> logger)
    : IExceptionHandler
{
    private static readonly HashSet<string> LibraryAssemblies = new(StringComparer.Ordinal)
    {
        "CustomerCraft", "CustomerCraft.AspNetCore", "CustomerCraft.EntityFrameworkCore", "CustomerCraft.Hosting",
    };

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails? problem = Map(exception);
        if (problem is null)
        {
            return false;
        }

        if (problem.Status >= StatusCodes.Status500InternalServerError)
        {
            LogConfigurationError(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
        }
        else
        {
            LogRefused(logger, problem.Status ?? 0, (string)problem.Extensions["code"]!, httpContext.Request.Method, httpContext.Request.Path, exception.Message);
        }

        problem.Extensions["traceId"] = Activity.Current?.Id ?? httpContext.TraceIdentifier;
        HttpResponse response = httpContext.Response;
        if (response.HasStarted)
        {
            return false; // too late for a status code: the host's handling aborts the response
        }

        response.StatusCode = problem.Status!.Value;
        if (exception is CaseConcurrencyException)
        {
            // The conflict clears as soon as the client has read the case again: retry at once.
            response.Headers.RetryAfter = "0";
        }

        if (!await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception }).ConfigureAwait(false))
        {
            // No registered writer would take it (the client accepts neither JSON nor anything
            // else a writer offers): the status and the problem still go out, as JSON, so a
            // refusal is never turned into an error page or an empty answer.
            await response.WriteAsJsonAsync(problem, problem.GetType(), options: (System.Text.Json.JsonSerializerOptions?)null, contentType: "application/problem+json", cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>The problem for a CustomerCraft error, or <see langword="null"/> for any other exception.</summary>
    internal static ProblemDetails? Map(Exception exception) => exception switch
    {
        AgentIdentityException e when e.Problem == AgentIdentityProblem.NotAuthenticated =>
            Problem(StatusCodes.Status401Unauthorized, ProblemCodes.NotAuthenticated, "Not signed in.", e.Message),
        AgentIdentityException e =>
            Problem(StatusCodes.Status403Forbidden, ProblemCodes.NoAgentIdentity, "The signed-in user cannot act as a CustomerCraft agent.", e.Message),
        CaseNotFoundException e =>
            Problem(StatusCodes.Status404NotFound, ProblemCodes.CaseNotFound, "No such case.", e.Message, ("caseId", e.CaseId)),
        CaseAlreadyExistsException e =>
            Problem(StatusCodes.Status409Conflict, ProblemCodes.CaseExists, "A case with this id already exists.", e.Message, ("caseId", e.CaseId)),
        CaseTransitionException e =>
            Problem(StatusCodes.Status409Conflict, ProblemCodes.IllegalTransition, "The case cannot make that move in its current state.", e.Message,
                ("caseId", e.CaseId), ("state", e.State.ToString()), ("trigger", e.Trigger.ToString())),
        CaseConcurrencyException e =>
            Problem(StatusCodes.Status409Conflict, ProblemCodes.ConcurrencyConflict, "Someone else changed the case first.", e.Message,
                ("caseId", e.CaseId), ("expectedVersion", e.ExpectedVersion), ("currentVersion", e.ActualVersion),
                ("retry", "Read the case again and repeat the request with its current version if it still makes sense; nothing of this request was kept.")),
        ApprovalRefusedException e when e.Reason is ApprovalRefusal.OwnRequest or ApprovalRefusal.InsufficientAuthority =>
            Problem(StatusCodes.Status403Forbidden, ProblemCodes.ApprovalRefused, "The approval was refused.", e.Message, ("caseId", e.CaseId), ("reason", e.Reason.ToString())),
        ApprovalRefusedException e =>
            Problem(StatusCodes.Status422UnprocessableEntity, ProblemCodes.ApprovalRefused, "The request cannot go for approval.", e.Message, ("caseId", e.CaseId), ("reason", e.Reason.ToString())),
        IdempotencyConflictException e =>
            Problem(StatusCodes.Status409Conflict, ProblemCodes.IdempotencyConflict, "The idempotency key was used for a different request.", e.Message,
                ("idempotencyKey", e.IdempotencyKey), ("existingGrantId", e.ExistingGrantId)),
        OptionsValidationException e when IsOurs(e.OptionsType) =>
            Problem(StatusCodes.Status500InternalServerError, ProblemCodes.Configuration, "CustomerCraft is misconfigured.", "The server's CustomerCraft configuration is not valid; the details are in the server log."),
        ArgumentException e when ThrownByLibrary(e) => Validation(e),
        _ => null,
    };

    private static HttpValidationProblemDetails Validation(ArgumentException exception)
    {
        string field = FieldName(exception.ParamName);
        string message = exception.ParamName is null
            ? exception.Message
            : exception.Message.Replace($" (Parameter '{exception.ParamName}')", string.Empty, StringComparison.Ordinal);
        if (exception is ArgumentOutOfRangeException { ActualValue: { } actual })
        {
            message = message.Replace($"{Environment.NewLine}Actual value was {actual}.", string.Empty, StringComparison.Ordinal);
        }

        var problem = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request is not valid.",
            Detail = message,
        };
        problem.Extensions["code"] = ProblemCodes.Validation;
        return problem;
    }

    /// <summary>
    /// What a parameter path is called in the request a client sent: the request, or the record a
    /// store checks before writing it, is the JSON body's root.
    /// </summary>
    private static readonly string[] RootPrefixes = ["request.", "DecisionRecord.Request.", "DecisionRecord.", "GrantRecord.", "SupportCase."];

    /// <summary>"request.Approver.Role" becomes "approver.role": the field as a JSON client names it.</summary>
    internal static string FieldName(string? paramName)
    {
        if (string.IsNullOrEmpty(paramName))
        {
            return string.Empty;
        }

        string path = paramName;
        foreach (string prefix in RootPrefixes)
        {
            if (path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && path.Length > prefix.Length)
            {
                path = path[prefix.Length..];
                break;
            }
        }

        var field = new StringBuilder(path.Length);
        bool segmentStart = true;
        foreach (char c in path)
        {
            field.Append(segmentStart ? char.ToLowerInvariant(c) : c);
            segmentStart = c == '.';
        }

        return field.ToString();
    }

    private static bool IsOurs(Type? optionsType) =>
        optionsType?.Assembly.GetName().Name is { } name && LibraryAssemblies.Contains(name);

    /// <summary>
    /// Only arguments CustomerCraft refused are the client's fault: the first frame outside the
    /// runtime (which throws for <c>ArgumentException.ThrowIf...</c> helpers) must be ours.
    /// </summary>
    private static bool ThrownByLibrary(ArgumentException exception)
    {
        foreach (StackFrame frame in new StackTrace(exception, fNeedFileInfo: false).GetFrames())
        {
            Assembly? assembly = frame.GetMethod()?.DeclaringType?.Assembly;
            if (assembly is null || assembly == typeof(object).Assembly)
            {
                continue;
            }

            return assembly.GetName().Name is { } name && LibraryAssemblies.Contains(name);
        }

        return false;
    }

    private static ProblemDetails Problem(int status, string code, string title, string detail, params (string Name, object? Value)[] extensions)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        problem.Extensions["code"] = code;
        foreach ((string name, object? value) in extensions)
        {
            problem.Extensions[name] = value;
        }

        return problem;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "CustomerCraft is misconfigured; {Method} {Path} answered 500.")]
    private static partial void LogConfigurationError(ILogger logger, Exception exception, string method, PathString path);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "CustomerCraft refused {Method} {Path}: {Status} {Code}: {Reason}")]
    private static partial void LogRefused(ILogger logger, int status, string code, string method, PathString path, string reason);
}

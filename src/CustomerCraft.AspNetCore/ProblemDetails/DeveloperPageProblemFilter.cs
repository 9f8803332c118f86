using Microsoft.AspNetCore.Diagnostics;

namespace CustomerCraft.AspNetCore;

/// <summary>
/// In Development, ASP.NET Core puts the developer exception page outside every other middleware,
/// so it would show CustomerCraft's refusals as 500 error pages. This filter answers them as
/// problem details first, the same as in production; other exceptions still get the page.
/// </summary>
internal sealed class DeveloperPageProblemFilter(CustomerCraftExceptionHandler handler) : IDeveloperPageExceptionFilter
{
    public async Task HandleExceptionAsync(ErrorContext errorContext, Func<ErrorContext, Task> next)
    {
        if (!await handler.TryHandleAsync(errorContext.HttpContext, errorContext.Exception, errorContext.HttpContext.RequestAborted).ConfigureAwait(false))
        {
            await next(errorContext).ConfigureAwait(false);
        }
    }
}

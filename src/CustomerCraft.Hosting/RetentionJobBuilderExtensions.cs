using CustomerCraft;
using CustomerCraft.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the CustomerCraft retention job.</summary>
public static class RetentionJobBuilderExtensions
{
    /// <summary>
    /// Runs retention as a hosted service: every <c>CustomerCraft:Retention:Interval</c> (default one
    /// hour) it removes the budget charges, grants, budgets and decision records that no window and
    /// no audit period still needs, by the <c>CustomerCraft:Retention</c> settings, and logs how many.
    /// Safe to add on every instance of a host.
    /// </summary>
    /// <param name="builder">The CustomerCraft builder.</param>
    /// <returns>The builder, for chaining.</returns>
    public static ICustomerCraftBuilder AddRetentionJob(this ICustomerCraftBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RetentionJob>());
        return builder;
    }
}

using Microsoft.Extensions.DependencyInjection;

namespace CustomerCraft;

/// <summary>
/// Returned by <c>AddCustomerCraft(...)</c>: replace stores, add conditions and plug in services
/// through its extension methods, or register anything else on <see cref="Services"/>.
/// </summary>
public interface ICustomerCraftBuilder
{
    /// <summary>The service collection CustomerCraft is registered in.</summary>
    IServiceCollection Services { get; }
}

internal sealed class CustomerCraftBuilder(IServiceCollection services) : ICustomerCraftBuilder
{
    public IServiceCollection Services { get; } = services;
}

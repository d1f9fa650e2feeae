namespace ShortRange.Linux.Netlink;

/// <summary>A resolved generic-netlink family: its id (the nlmsg_type to use), version and multicast group ids by name.</summary>
public sealed record GenericNetlinkFamily(string Name, ushort Id, uint Version, uint HeaderSize, IReadOnlyDictionary<string, uint> MulticastGroups);

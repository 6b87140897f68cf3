import { describe, expect, it } from "vitest";
import { addressKey } from "../../worker/client-address";

describe("client address keys for rate limits", () => {
  it("keys IPv4 by the address and IPv6 by its /64, however it is written", () => {
    expect(addressKey("203.0.113.7")).toBe("203.0.113.7");
    expect(addressKey("::ffff:203.0.113.7")).toBe("203.0.113.7");
    const same = ["2001:db8:5:7::1", "2001:0db8:0005:0007:ffff:1:2:3", "2001:DB8:5:7:0:0:0:9"];
    expect(new Set(same.map(addressKey))).toEqual(new Set(["2001:db8:5:7::/64"]));
    expect(addressKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(addressKey("::1")).toBe("0:0:0:0::/64");
    expect(addressKey("2001:db8:5:8::1")).not.toBe(addressKey("2001:db8:5:7::1"));
  });
});

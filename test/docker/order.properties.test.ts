/** Properties of the creation order, on generated dependency graphs. */
import fc from "fast-check";
import { containerCreationOrder } from "../../components/docker-stack/order";
import { topologicalOrder } from "../../model/order";
import type { ContainerSpec, DockerStackSpec } from "../../config/docker";

interface Item {
  key: string;
  needs: string[];
}

const order = (items: readonly Item[]) => topologicalOrder(items, (item) => item.key, (item) => item.needs);
const position = (items: readonly Item[]) => new Map(items.map((item, index) => [item.key, index]));

/**
 * Items in a random declared order whose dependencies point only to items of a lower hidden
 * rank, so the graph is acyclic; some dependencies name keys that are not declared.
 */
const acyclicItems = fc
  .array(fc.array(fc.nat(), { maxLength: 4 }), { minLength: 1, maxLength: 12 })
  .chain((choices) => {
    const items = choices.map((picks, rank): Item => {
      // 0..rank-1: an earlier item; rank: itself (dropped); rank+1: an undeclared key.
      const targets = picks.map((pick) => pick % (rank + 2)).filter((target) => target !== rank);
      return { key: `k${rank}`, needs: targets.map((target) => (target === rank + 1 ? `missing${rank}` : `k${target}`)) };
    });
    return fc.shuffledSubarray(items, { minLength: items.length, maxLength: items.length });
  });

/** Any graph, cycles and self-dependencies included. */
const anyItems = fc
  .integer({ min: 1, max: 10 })
  .chain((size) => fc.array(fc.array(fc.nat({ max: size }), { maxLength: 4 }), { minLength: size, maxLength: size }))
  .map((choices) => choices.map((picks, index): Item => ({ key: `k${index}`, needs: picks.map((pick) => `k${pick}`) })));

const RUNS = { numRuns: 200 };

test("every item comes after everything it depends on (acyclic graphs)", () => {
  fc.assert(
    fc.property(acyclicItems, (items) => {
      const at = position(order(items));
      for (const item of items) for (const need of item.needs) if (at.has(need)) expect(at.get(need)).toBeLessThan(at.get(item.key)!);
    }),
    RUNS,
  );
});

test("the order holds every item exactly once, whatever the graph (cycles too)", () => {
  fc.assert(
    fc.property(anyItems, (items) => {
      const ordered = order(items);
      expect(ordered).toHaveLength(items.length);
      expect(new Set(ordered)).toEqual(new Set(items));
    }),
    RUNS,
  );
});

test("a declared order that already satisfies the dependencies is kept as it is", () => {
  fc.assert(
    fc.property(acyclicItems, (items) => {
      const valid = order(items);
      expect(order(valid)).toEqual(valid);
    }),
    RUNS,
  );
});

test("items nothing depends on keep their declared order among themselves", () => {
  fc.assert(
    fc.property(anyItems, (items) => {
      const unneeded = (list: readonly Item[]) => list.filter((item) => !items.some((other) => other !== item && other.needs.includes(item.key)));
      expect(unneeded(order(items))).toEqual(unneeded(items));
    }),
    RUNS,
  );
});

test("dependencies on undeclared keys change nothing", () => {
  fc.assert(
    fc.property(acyclicItems, (items) => {
      const declared = new Set(items.map((item) => item.key));
      const withoutUnknown = items.map((item) => ({ ...item, needs: item.needs.filter((need) => declared.has(need)) }));
      expect(order(items).map((item) => item.key)).toEqual(order(withoutUnknown).map((item) => item.key));
    }),
    RUNS,
  );
});

/** A stack's containers: each waits (started or healthy) for, or joins the namespace of, earlier-ranked ones. */
const acyclicStack = acyclicItems.chain((items) =>
  fc.tuple(...items.map(() => fc.boolean())).map((joins): DockerStackSpec => {
    const containers = items.map((item, index): ContainerSpec => {
      const [owner, ...waits] = item.needs;
      const joinsOwner = joins[index] && owner !== undefined;
      return {
        name: item.key,
        dependsOn: Object.fromEntries((joinsOwner ? waits : item.needs).map((need, n) => [need, n % 2 === 0 ? "started" : "healthy"])),
        ...(joinsOwner ? { networkMode: `container:${owner}` } : {}),
      } as ContainerSpec;
    });
    return { name: "stack", host: "host", tunnelCritical: false, volumes: {}, deviations: [], containers };
  }),
);

test("every container starts after everything it depends on, namespace owners included", () => {
  fc.assert(
    fc.property(acyclicStack, (stack) => {
      const at = new Map(containerCreationOrder(stack).map((container, index) => [container.name, index]));
      for (const container of stack.containers) {
        const owner = container.networkMode?.replace(/^container:/, "");
        for (const need of [...Object.keys(container.dependsOn), ...(owner ? [owner] : [])]) {
          if (at.has(need)) expect(at.get(need)).toBeLessThan(at.get(container.name)!);
        }
      }
    }),
    RUNS,
  );
});

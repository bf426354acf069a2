/**
 * Bounds what one GraphQL request may ask of the sandbox: at most MAX_FIELDS field selections (aliases
 * and fragment spreads counted where they expand) and at most MAX_DEPTH levels of nesting. The CLI's
 * documents use a few dozen fields and depth 4; fifty aliases of one query already pass for abuse.
 */
import { createGraphQLError } from 'graphql-yoga';
import {
  Kind,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';

export const MAX_FIELDS = 300;
export const MAX_DEPTH = 12;
export const MAX_ROOT_FIELDS = 20;

interface Cost {
  fields: number;
  depth: number;
}

function measure(
  selectionSet: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
  depth: number,
  visiting: Set<string>,
  cost: Cost,
): void {
  if (depth > cost.depth) cost.depth = depth;
  // Stop walking once over a bound: the answer is "too costly" whatever the rest holds.
  if (cost.fields > MAX_FIELDS || cost.depth > MAX_DEPTH) return;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      cost.fields++;
      if (selection.selectionSet) measure(selection.selectionSet, fragments, depth + 1, visiting, cost);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      measure(selection.selectionSet, fragments, depth, visiting, cost);
    } else {
      const name = selection.name.value;
      const fragment = Object.hasOwn(fragments, name) ? fragments[name] : undefined;
      // Cycles are reported by graphql's own NoFragmentCycles rule; here they just stop the walk.
      if (!fragment || visiting.has(name)) continue;
      visiting.add(name);
      measure(fragment.selectionSet, fragments, depth, visiting, cost);
      visiting.delete(name);
    }
  }
}

/** A graphql validation rule (yoga: `onValidate` → `addValidationRule`). */
export function QueryCostRule(context: ValidationContext): ASTVisitor {
  const fragments: Record<string, FragmentDefinitionNode> = Object.create(null) as Record<
    string,
    FragmentDefinitionNode
  >;
  for (const definition of context.getDocument().definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  }
  return {
    OperationDefinition(operation) {
      const cost: Cost = { fields: 0, depth: 0 };
      measure(operation.selectionSet, fragments, 1, new Set(), cost);
      const rootFields = operation.selectionSet.selections.length;
      if (cost.fields > MAX_FIELDS || cost.depth > MAX_DEPTH || rootFields > MAX_ROOT_FIELDS) {
        context.reportError(
          // yoga's helper: a GraphQLError from another copy of graphql (ESM vs CJS) would be masked.
          createGraphQLError(
            `Query is too costly for this server: at most ${MAX_ROOT_FIELDS} top-level fields (aliases included), ` +
              `${MAX_FIELDS} fields in all and ${MAX_DEPTH} levels of nesting.`,
            { nodes: [operation], extensions: { code: 'QUERY_TOO_COSTLY' } },
          ),
        );
      }
    },
  };
}

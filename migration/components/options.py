"""The resource options of the components and of their children, decided in one place.

A component's args are resource inputs only; its options come, as for any Pulumi resource, in `opts`: `parent`,
`depends_on`, `protect`. Pulumi itself passes on to children only `protect` (to a child that leaves it unset), the
providers and the transformations. The rest is decided here, once for every component:

- every child is parented to its component and waits for what the component waits for (`depends_on`);
- `protect` protects only the children a component names as holding the migration's state (instances, endpoints,
  tasks), never the component record itself (it has no cloud resource) nor the scaffolding around them (subnet
  group, security group and its rules, roles), which a config change may have to replace;
- a child with an id or name we fix is replaced delete-first (`migration.dms.provider_facts.DELETE_BEFORE_REPLACE`)
  unless it is retained on delete.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from typing import Sequence

import pulumi

from migration.dms.provider_facts import DELETE_BEFORE_REPLACE


def own_options(opts: pulumi.ResourceOptions | None) -> pulumi.ResourceOptions | None:
    """The options a component registers itself with: the caller's, without `protect` (that goes to the children
    the component names; Pulumi would otherwise pass it to every child that leaves it unset)."""
    if opts is None or opts.protect is None:
        return opts
    own = copy.copy(opts)
    own.protect = None
    return own


@dataclass(frozen=True)
class Children:
    """How one component declares its children: `Children.of(self, opts)` after `super().__init__`, then
    `opts=children.opts(aws.dms.Xxx, ...)` on each child."""

    parent: pulumi.Resource
    protect: bool = False  # the component's `protect`: what its state-holding children get
    depends_on: tuple[pulumi.Input[pulumi.Resource], ...] = ()
    transformations: tuple[pulumi.ResourceTransformation, ...] = ()

    @classmethod
    def of(cls, component: pulumi.ComponentResource, opts: pulumi.ResourceOptions | None) -> Children:
        if opts is None:
            return cls(component)
        depends = opts.depends_on
        if depends is None:
            deps: tuple[pulumi.Input[pulumi.Resource], ...] = ()
        elif isinstance(depends, pulumi.Resource):
            deps = (depends,)
        elif isinstance(depends, Sequence):
            deps = tuple(depends)
        else:
            raise TypeError("a component's depends_on must be a resource or a list of them, not an Output")
        return cls(component, protect=bool(opts.protect), depends_on=deps)

    def with_transformation(self, transformation: pulumi.ResourceTransformation) -> Children:
        """The same, with a transformation every child (and, inherited, each of their children) runs."""
        return replace(self, transformations=(*self.transformations, transformation))

    def opts(
        self,
        kind: type[pulumi.Resource] | None = None,
        *,
        protect: bool | None = None,
        depends_on: Sequence[pulumi.Input[pulumi.Resource]] = (),
        retain_on_delete: bool = False,
    ) -> pulumi.ResourceOptions:
        """Options of one child of resource class `kind` (None for a child component). `protect`: pass the
        component's (`children.protect`) for a child holding state, or a child component's own decision; left
        None, the child inherits the component's registration, which is unprotected (`own_options`)."""
        fixed_id = kind is not None and pulumi.get_type_token(kind) in DELETE_BEFORE_REPLACE and not retain_on_delete
        return pulumi.ResourceOptions(
            parent=self.parent,
            protect=protect,
            depends_on=[*self.depends_on, *depends_on] or None,
            delete_before_replace=True if fixed_id else None,
            retain_on_delete=True if retain_on_delete else None,
            transformations=list(self.transformations) or None,
        )

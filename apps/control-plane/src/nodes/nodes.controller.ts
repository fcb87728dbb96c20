import { Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Req } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { CLOCK, Clock } from '../core/core.constants';
import { EdgesService } from '../edges/edges.service';
import { readJsonBody } from '../http/read-json-body';
import { aggregateLoads } from '../loads/live-loads';
import { parseDrainRequest } from './drain-request';
import type { NodeState } from './node-state';
import { NodeDetail, NodeView, toNodeDetail, toNodeView } from './node-view';
import { NodesService } from './nodes.service';
import { parseHeartbeat, parseRegistration } from './registration';

/** The seed's node API, with the answers its scripts parse, plus drain and explanations. */
@Controller()
export class NodesController {
  constructor(
    private readonly nodes: NodesService,
    private readonly edges: EdgesService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post('register_node')
  @HttpCode(200)
  async register(@Req() req: IncomingMessage): Promise<{ status: string }> {
    await this.nodes.register(parseRegistration(await readJsonBody(req)));
    return { status: 'Node registered successfully' };
  }

  @Post('heartbeat/:id')
  @HttpCode(200)
  async heartbeat(@Param('id') id: string, @Req() req: IncomingMessage): Promise<{ status: string }> {
    this.nodes.get(id);
    await this.nodes.heartbeat(id, parseHeartbeat(await readJsonBody(req)));
    return { status: 'Heartbeat received' };
  }

  @Get('nodes')
  list(): { nodes: NodeView[] } {
    const nodes = this.nodes.list();
    const loads = this.loads(nodes);
    return { nodes: nodes.map((node) => toNodeView(node, loads[node.id])) };
  }

  @Get('nodes/:id')
  get(@Param('id') id: string): NodeDetail {
    return this.detail(this.nodes.get(id));
  }

  /** Drain (`{"state": "draining"}`) or undo it (`{"state": "active"}`). */
  @Patch('nodes/:id')
  async update(@Param('id') id: string, @Req() req: IncomingMessage): Promise<NodeDetail> {
    this.nodes.get(id);
    const drain = parseDrainRequest(await readJsonBody(req));
    return this.detail(await this.nodes.setDrained(id, drain));
  }

  @Delete('nodes/:id')
  async deregister(@Param('id') id: string): Promise<{ status: string }> {
    await this.nodes.deregister(id);
    return { status: 'Node deregistered successfully' };
  }

  private detail(node: NodeState): NodeDetail {
    return toNodeDetail(node, this.loads([node])[node.id], this.clock(), this.nodes.settings);
  }

  private loads(nodes: NodeState[]): Record<string, number> {
    return aggregateLoads(nodes, this.edges.liveEdges());
  }
}

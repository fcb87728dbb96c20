import { Controller, Delete, Get, Header, HttpCode, Inject, Param, Patch, Post, Req } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { CdnError, type NodeRegistration } from '@cdn/shared';
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

  /** The seed's answer, plus `node_token` when the node got a token (see NodesService.register). */
  @Post('register_node')
  @HttpCode(200)
  // The answer may carry a node token: no cache on the way may keep it.
  @Header('Cache-Control', 'no-store')
  async register(@Req() req: IncomingMessage): Promise<{ status: string; node_token?: string }> {
    const { nodeToken } = await this.nodes.register(this.parse(await readJsonBody(req)));
    return { status: 'Node registered successfully', ...(nodeToken !== undefined ? { node_token: nodeToken } : {}) };
  }

  /** Rotation: a new token for the node's heartbeats; its previous token stops working. */
  @Post('nodes/:id/token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  async issueToken(@Param('id') id: string): Promise<{ status: string; id: string; node_token: string }> {
    return { status: 'Node token issued', id, node_token: await this.nodes.issueToken(id) };
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
    return { nodes: nodes.map((node) => toNodeView(node, loads.get(node.id) ?? node.currentLoad)) };
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

  private parse(body: unknown): NodeRegistration {
    try {
      return parseRegistration(body);
    } catch (err) {
      throw err instanceof CdnError ? this.nodes.refused('invalid', err) : err;
    }
  }

  private detail(node: NodeState): NodeDetail {
    return toNodeDetail(node, this.loads([node]).get(node.id) ?? node.currentLoad, this.clock(), this.nodes.settings);
  }

  private loads(nodes: NodeState[]): Map<string, number> {
    return aggregateLoads(nodes, this.edges.liveEdges());
  }
}
